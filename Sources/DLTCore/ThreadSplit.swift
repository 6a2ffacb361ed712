import Dispatch
import Foundation

/// How the engine spreads work over cores: a batch of `n` samples is cut into `threads`
/// contiguous slices, one per worker, each running single-threaded BLAS. The cut depends only
/// on `n` and the thread count, so a fixed thread count gives bit-identical results.
public final class ThreadSplit: @unchecked Sendable {
    public let threads: Int

    /// Workers for slices 1 and up; nil with one thread.
    private let pool: WorkerPool?

    public init(threads: Int? = nil) {
        self.threads = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        pool = self.threads > 1 ? WorkerPool(threads: self.threads) : nil
        Gemm.setLibraryThreads(1)
    }

    deinit { pool?.stop() }

    /// The half-open sample range of slice `index` when `n` samples are cut into `slices` parts.
    @inline(__always)
    public static func range(of index: Int, slices: Int, total n: Int) -> Range<Int> {
        let base = n / slices, extra = n % slices
        let start = index * base + min(index, extra)
        return start..<(start + base + (index < extra ? 1 : 0))
    }

    /// Number of slices used for `n` samples: never more than the samples.
    @inline(__always)
    public func slices(for n: Int) -> Int { max(1, min(threads, n)) }

    /// Runs `body(slice, range)` for every slice of `0..<n`, in parallel when there is more than one.
    public func forEachSlice(of n: Int, _ body: (Int, Range<Int>) -> Void) {
        let count = slices(for: n)
        if count == 1 {
            body(0, 0..<n)
            return
        }
        pool!.run(slices: count) { index in
            body(index, ThreadSplit.range(of: index, slices: count, total: n))
        }
    }

    /// Runs `body(slice, range)` over `0..<n` cut into the same number of slices as a batch would be;
    /// for work that is not per-sample (rows of a matrix, elements of a buffer).
    public func parallelRanges(_ n: Int, minimumPerSlice: Int = 4096, _ body: (Int, Range<Int>) -> Void) {
        let count = max(1, min(threads, n / max(1, minimumPerSlice)))
        if count == 1 {
            body(0, 0..<n)
            return
        }
        pool!.run(slices: count) { index in
            body(index, ThreadSplit.range(of: index, slices: count, total: n))
        }
    }
}
