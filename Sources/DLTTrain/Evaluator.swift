import DLTCore
import DLTData
import DLTNN

/// Runs a model over a dataset in eval mode and gathers the loss and classification metrics.
public enum Evaluator {
    public struct Result {
        public var loss: Double
        public var samples: Int
        public var metrics: ClassificationMetrics?
        public var accuracy: Double? { metrics?.accuracy }
    }

    /// `samples`: the part of the dataset to evaluate (a data-parallel rank's share); all by default.
    public static func evaluate(_ dataset: Dataset, samples: Range<Int>? = nil, runner: StepRunner,
                                normalization: Normalization, batchSize: Int) throws -> Result {
        let part = samples ?? 0..<dataset.count
        let batcher = try Batcher(dataset: dataset, order: Array(part), batchSize: batchSize,
                                  normalization: normalization)
        var lossSum = 0.0
        var metrics = runner.task.hasAccuracy && dataset.labels != nil ? ClassificationMetrics(classes: runner.task.classCount) : nil
        while let batch = batcher.next() {
            let outcome = try runner.run(batch, training: false, stepSeed: 0, backward: false)
            lossSum += Double(outcome.loss) * Double(batch.count)
            if metrics != nil, let labels = batch.labels {
                let output = runner.graph.outputTensor
                let width = output.count / batch.count
                for i in 0..<batch.count {
                    let row = output.pointer + i * width
                    let label = Int(labels[i])
                    guard label >= 0 && label < metrics!.classes else { continue }
                    metrics!.add(label: label, predicted: runner.task.predictedClass(row, width: width),
                                 positiveScore: runner.task.positiveScore(row, width: width))
                }
            }
        }
        return Result(loss: part.isEmpty ? 0 : lossSum / Double(part.count), samples: part.count, metrics: metrics)
    }
}
