import DLTCore
import DLTData
import DLTNN
import DLTOptim

/// Runs one batch through the model: forward, loss, and in training backward and the optimizer
/// step. Owns the input and target tensors, reused across batches of the same size.
public final class StepRunner {
    public let graph: Graph
    public let loss: Loss
    public let task: LearningTask
    public let split: ThreadSplit
    private let input = Tensor(shape: [0])
    private let targetValues = Tensor(shape: [0])

    public init(graph: Graph, loss: Loss, task: LearningTask, split: ThreadSplit) {
        self.graph = graph; self.loss = loss; self.task = task; self.split = split
    }

    public struct Outcome {
        /// Batch-mean loss.
        public let loss: Float
        /// Correctly classified samples (0 for regression).
        public let correct: Int
    }

    /// Forward and loss on `batch`; with `train`, also backward (parameter gradients accumulate).
    public func run(_ batch: Batch, training: Bool, stepSeed: UInt64, backward: Bool) throws -> Outcome {
        input.resize(to: Shape(batch.shape))
        input.pointer.update(from: batch.inputs.baseAddress!, count: batch.inputs.count)
        let context = LayerContext(split: split, training: training, stepSeed: stepSeed)
        let output = graph.forward(input, context: context)
        let target = try lossTarget(batch, output: output)
        let value = try loss.compute(predictions: output, target: target, gradient: backward ? graph.outputGradient : nil)
        let correct = countCorrect(output: output, batch: batch)
        if backward { graph.backward(input: input, context: context) }
        return Outcome(loss: value, correct: correct)
    }

    private func lossTarget(_ batch: Batch, output: Tensor) throws -> LossTarget {
        switch task {
        case .multiClass, .binary:
            if let labels = batch.labels { return .classes(labels) }
            if let targets = batch.targets { return .values(targets) }
            throw EngineError("the data has no labels for \(loss.name)")
        case .regression:
            if let targets = batch.targets { return .values(targets) }
            guard let labels = batch.labels else { throw EngineError("the data has no targets for mse") }
            targetValues.resize(to: [labels.count])
            for i in 0..<labels.count { targetValues[i] = Float(labels[i]) }
            return .values(UnsafeBufferPointer(targetValues.buffer))
        case .reconstruction:
            targetValues.resize(to: input.shape)
            targetValues.copy(from: input)
            return .values(UnsafeBufferPointer(targetValues.buffer))
        }
    }

    private func countCorrect(output: Tensor, batch: Batch) -> Int {
        guard let labels = batch.labels else { return 0 }
        let width = output.count / max(batch.count, 1)
        var correct = 0
        for i in 0..<batch.count where task.predictedClass(output.pointer + i * width, width: width) == Int(labels[i]) {
            correct += 1
        }
        return correct
    }
}
