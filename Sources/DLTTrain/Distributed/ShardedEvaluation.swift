import DLTCore
import DLTData

extension DataParallel {
    /// Evaluates `dataset` with each rank taking a contiguous part, and merges the parts in rank
    /// order on every rank: the loss and metrics of the whole set, identical on all ranks.
    func evaluate(_ dataset: Dataset, runner: StepRunner, normalization: Normalization, batchSize: Int) throws -> Evaluator.Result {
        let part = ThreadSplit.range(of: group.rank, slices: group.size, total: dataset.count)
        let mine = try Evaluator.evaluate(dataset, samples: part, runner: runner, normalization: normalization,
                                          batchSize: batchSize)
        let sent = [mine.loss * Double(mine.samples), Double(mine.samples)] + (mine.metrics?.packed ?? [])
        var lossSum = 0.0, samples = 0
        var metrics: ClassificationMetrics?
        for values in group.allgather(sent) {
            lossSum += values[0]
            samples += Int(values[1])
            if let classes = mine.metrics?.classes {
                let rankMetrics = ClassificationMetrics(classes: classes, packed: values[2...])
                metrics = metrics?.merged(with: rankMetrics) ?? rankMetrics
            }
        }
        return Evaluator.Result(loss: samples == 0 ? 0 : lossSum / Double(samples), samples: samples, metrics: metrics)
    }
}
