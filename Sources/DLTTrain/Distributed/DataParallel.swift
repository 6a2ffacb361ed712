import DLTCore
import DLTData
import DLTNN

/// Data-parallel training over a process group, Horovod's recipe on MPI: every rank holds the
/// whole model and takes its contiguous slice of each global batch (from the same shuffled
/// order). Each rank's loss is its share of the global batch's mean (`StepRunner`), so its
/// gradients are the partial sums a thread of one process computes over the same samples; after
/// backward one rank-ordered sum of a flat buffer adds them in the threads' order. Every rank
/// then holds the gradient of the global batch's mean loss, with the bits of one process running
/// as many threads as there are ranks, and steps the same optimizer to the same weights.
final class DataParallel {
    let group: ProcessGroup
    /// The trainable parameters, in graph order: the layout of `flat`.
    private let parameters: [Parameter]
    /// Gradients, then `StepTotals`' three values, padded to `group.size` blocks; allocated once.
    private let flat: UnsafeMutablePointer<Float>
    /// The blocks the other ranks send in the sum.
    private let received: UnsafeMutablePointer<Float>
    private let gradientCount: Int
    /// Floats per rank's block of `flat`.
    private let block: Int
    private static let totalsCount = 3

    init(group: ProcessGroup, parameters: [Parameter]) {
        self.group = group
        self.parameters = parameters
        gradientCount = parameters.reduce(0) { $0 + $1.gradient.count }
        block = (gradientCount + DataParallel.totalsCount + group.size - 1) / group.size
        flat = .allocate(capacity: block * group.size)
        flat.initialize(repeating: 0, count: block * group.size)
        received = .allocate(capacity: block * group.size)
    }

    deinit { flat.deallocate(); received.deallocate() }

    /// This rank's part of a global batch of `n` samples (empty when n < ranks).
    func slice(ofBatch n: Int) -> Range<Int> { ThreadSplit.range(of: group.rank, slices: group.size, total: n) }

    /// This rank's samples of `order` cut into global batches of `batchSize`, in order: a batcher
    /// with batch size `slice(ofBatch: batchSize).count` then yields this rank's part of each
    /// global batch (the last one possibly shorter or missing).
    func localOrder(_ order: [Int], batchSize: Int) -> [Int] {
        var local: [Int] = []
        local.reserveCapacity(order.count / group.size + batchSize)
        var start = 0
        while start < order.count {
            let n = min(batchSize, order.count - start)
            local += slice(ofBatch: n).map { order[start + $0] }
            start += n
        }
        return local
    }

    /// One step's figures summed over the ranks.
    struct StepTotals {
        /// The global batch's mean loss.
        var loss: Float
        var correct: Int
        /// Some rank was asked to stop (Ctrl-C, or mpirun forwarding SIGTERM).
        var interrupted: Bool
    }

    /// Sums the ranks' gradients in place, in rank order, together with the step's loss (each
    /// rank's share of the global mean), correct count and interrupt flag.
    func reduceStep(loss: Float, correct: Int, interrupted: Bool) -> StepTotals {
        var offset = 0
        for parameter in parameters {
            (flat + offset).update(from: parameter.gradient.pointer, count: parameter.gradient.count)
            offset += parameter.gradient.count
        }
        let totals = flat + gradientCount
        totals[0] = loss
        totals[1] = Float(correct)
        totals[2] = interrupted ? 1 : 0
        group.rankOrderedSum(flat, block: block, scratch: received)
        offset = 0
        for parameter in parameters {
            parameter.gradient.pointer.update(from: flat + offset, count: parameter.gradient.count)
            offset += parameter.gradient.count
        }
        return StepTotals(loss: totals[0], correct: Int(totals[1]), interrupted: totals[2] > 0)
    }

    /// Refuses to start when the ranks built different models or read different data (another
    /// config or data file on some machine): their steps would not line up.
    func checkRanksAgree(trainingSamples: Int, batchSize: Int) throws {
        let mine = [Double(gradientCount), Double(trainingSamples), Double(batchSize)]
        let all = group.allgather(mine)
        if let r = all.firstIndex(where: { $0 != all[0] }) {
            throw ReportedByRankZero.on(group, UsageError("rank \(r) has \(Int(all[r][0])) parameters, \(Int(all[r][1])) training samples and batch size \(Int(all[r][2])), rank 0 \(Int(all[0][0])), \(Int(all[0][1])) and \(Int(all[0][2])): every rank needs the same config and data (same paths on every machine)"), exitCode: 2)
        }
    }

    /// Rank 0's values of `parameters` to every rank (initial weights; batchnorm statistics).
    func broadcast(_ parameters: [Parameter]) {
        for parameter in parameters { group.broadcast(parameter.value.pointer, count: parameter.value.count) }
    }
}
