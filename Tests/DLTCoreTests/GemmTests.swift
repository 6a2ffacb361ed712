import Foundation
import DLTCore
import Testing

struct GemmTests {
    /// Every transpose combination against a triple loop in Double, at odd sizes, with beta.
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func matchesNaiveProduct(transposeA: Bool, transposeB: Bool) {
        let m = 5, n = 7, k = 3
        var random = SeededRandom(seed: 9)
        let a = (0..<(m * k)).map { _ in random.uniform(-1, 1) }
        let b = (0..<(k * n)).map { _ in random.uniform(-1, 1) }
        var c = (0..<(m * n)).map { _ in random.uniform(-1, 1) }
        let c0 = c
        Gemm.multiply(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 2,
                      a: a, lda: transposeA ? m : k, b: b, ldb: transposeB ? k : n, beta: 0.5, c: &c, ldc: n)
        for i in 0..<m { for j in 0..<n {
            var s = 0.0
            for p in 0..<k {
                let av = transposeA ? a[p * m + i] : a[i * k + p]
                let bv = transposeB ? b[j * k + p] : b[p * n + j]
                s += Double(av) * Double(bv)
            }
            #expect(abs(Double(c[i * n + j]) - (2 * s + 0.5 * Double(c0[i * n + j]))) < 1e-5)
        } }
    }
}

struct ThreadSplitTests {
    @Test func slicesCoverTheBatchContiguously() {
        for n in [1, 2, 7, 32, 33] {
            for slices in 1...4 {
                let ranges = (0..<slices).map { ThreadSplit.range(of: $0, slices: slices, total: n) }
                #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == n)
                for (a, b) in zip(ranges, ranges.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
                #expect(ranges.map(\.count).max()! - ranges.map(\.count).min()! <= 1)
            }
        }
    }

    @Test func everySampleIsVisitedOnce() {
        let split = ThreadSplit(threads: 3)
        let counts = Tensor(shape: [10])
        split.forEachSlice(of: 10) { _, range in for i in range { counts[i] += 1 } }
        #expect(counts.array == Array(repeating: 1, count: 10))
    }

    /// The worker pool across many calls: fewer samples than threads, calls back to back (workers
    /// spinning), and calls after a pause longer than the spin (workers asleep), each slice on
    /// its own worker, every call's slices all done before it returns.
    @Test func workersRunEverySliceOfEveryCallOnce() {
        let split = ThreadSplit(threads: 3)
        let counts = Tensor(shape: [7])
        var expected = [Float](repeating: 0, count: 7)
        for call in 0..<400 {
            let n = 1 + call % 7
            split.forEachSlice(of: n) { _, range in for i in range { counts[i] += 1 } }
            for i in 0..<n { expected[i] += 1 }
            if call % 100 == 99 { usleep(2_000) }
        }
        #expect(counts.array == expected)
        let ranges = Tensor(shape: [1000])
        split.parallelRanges(1000, minimumPerSlice: 100) { slice, range in for i in range { ranges[i] = Float(slice) } }
        #expect(Set(ranges.array) == [0, 1, 2])
    }

    @Test func threadsOfASplitGoAwayWithIt() {
        for _ in 0..<50 {
            let split = ThreadSplit(threads: 2)
            let total = Tensor(shape: [2])
            split.forEachSlice(of: 2) { slice, _ in total[slice] = 1 }
            #expect(total.array == [1, 1])
        }
    }
}

struct SeededRandomTests {
    /// The stream is part of the checkpoint contract: these values must never change.
    @Test func aSeedGivesAFixedStream() {
        var a = SeededRandom(seed: 42), b = SeededRandom(seed: 42), c = SeededRandom(seed: 43)
        let first = (0..<4).map { _ in a.next() }
        #expect(first == (0..<4).map { _ in b.next() })
        #expect(first != (0..<4).map { _ in c.next() })
        var restored = SeededRandom(state: a.stateWords)
        #expect(restored.next() == a.next())
    }

    @Test func uniformAndNormalHaveTheRightMoments() {
        var r = SeededRandom(seed: 1)
        let n = 20000
        let u = (0..<n).map { _ in Double(r.nextFloat()) }
        #expect(u.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(abs(u.reduce(0, +) / Double(n) - 0.5) < 0.01)
        let z = (0..<n).map { _ in Double(r.normal()) }
        let mean = z.reduce(0, +) / Double(n)
        let variance = z.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)
        #expect(abs(mean) < 0.03 && abs(variance - 1) < 0.05)
    }

    @Test func permutationsArePermutations() {
        var r = SeededRandom(seed: 5, stream: 2)
        let p = r.permutation(1000)
        #expect(p.sorted() == Array(0..<1000))
        #expect(p != Array(0..<1000))
    }
}

/// The direct narrow product against sgemm (C += A B^T) at shapes that leave remainders in
/// every blocking: rows not a multiple of 4, columns not of 3, lengths not of 8, strides wider
/// than the length.
struct NarrowProductTests {
    @Test(arguments: [(1, 1, 1), (5, 4, 13), (32, 9, 70), (7, 16, 8), (4, 3, 100)])
    func matchesSgemm(m: Int, n: Int, length: Int) {
        var random = SeededRandom(seed: UInt64(m * 1000 + n * 10 + length))
        let lda = length + 3, ldb = length + 5
        let a = (0..<(m * lda)).map { _ in random.uniform(-1, 1) }
        let b = (0..<(n * ldb)).map { _ in random.uniform(-1, 1) }
        let start = (0..<(m * n)).map { _ in random.uniform(-1, 1) }
        var direct = start, reference = start
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                direct.withUnsafeMutableBufferPointer {
                    NarrowProduct.accumulate(m: m, n: n, length: length, a: a.baseAddress!, lda: lda,
                                             b: b.baseAddress!, ldb: ldb, c: $0.baseAddress!, ldc: n)
                }
                reference.withUnsafeMutableBufferPointer {
                    Gemm.multiply(transposeB: true, m: m, n: n, k: length, a: a.baseAddress!, lda: lda,
                                  b: b.baseAddress!, ldb: ldb, beta: 1, c: $0.baseAddress!, ldc: n)
                }
            }
        }
        for (x, y) in zip(direct, reference) { #expect(abs(x - y) <= 1e-4 * max(1, abs(y)), "\(x) vs \(y)") }
    }

    /// An element is the same whichever block and whatever row count computes it: a dense
    /// layer's batch split over threads gives the same bits as one slice.
    @Test func anElementDependsOnItsOwnRowsOnly() {
        let m = 10, n = 6, length = 259
        var random = SeededRandom(seed: 5)
        let a = (0..<(m * length)).map { _ in random.uniform(-1, 1) }
        let b = (0..<(n * length)).map { _ in random.uniform(-1, 1) }
        var whole = [Float](repeating: 0, count: m * n)
        NarrowProduct.accumulate(m: m, n: n, length: length, a: a, lda: length, b: b, ldb: length, c: &whole, ldc: n)
        for first in [1, 4, 7] {
            var part = [Float](repeating: 0, count: (m - first) * n)
            a.withUnsafeBufferPointer { ap in
                NarrowProduct.accumulate(m: m - first, n: n, length: length, a: ap.baseAddress! + first * length, lda: length,
                                         b: b, ldb: length, c: &part, ldc: n)
            }
            #expect(part == Array(whole[(first * n)...]), "rows from \(first)")
        }
    }
}
