import DLTCore
import DLTData
import DLTNN
import DLTOptim

/// One step of the model: forward, loss and, in training, backward. Trainer, Evaluator and
/// Benchmark all run `step`, so the loss target is built in one place (`lossTarget`).
/// Owns the input tensor, reused across batches of the same size.
public final class StepRunner {
    public let graph: Graph
    public let loss: Loss
    public let task: LearningTask
    public let split: ThreadSplit
    /// The model input of the next `step`, (N, input shape).
    private let input = Tensor(shape: [0])
    /// Training steps only: a teacher whose soft targets join the loss (`train.distill`).
    var distillation: Distillation?

    public init(graph: Graph, loss: Loss, task: LearningTask, split: ThreadSplit) {
        self.graph = graph; self.loss = loss; self.task = task; self.split = split
    }

    public struct Outcome {
        /// Batch-mean loss.
        public let loss: Float
        /// Correctly classified samples (0 without labels or accuracy).
        public let correct: Int
    }

    /// Runs `step` on `batch`: in training with `backward`, parameter gradients accumulate.
    /// A data-parallel rank's `batch` is part of the step's global batch of `globalSamples`
    /// samples, starting at `sampleOffset`; it gets its share of the global batch's mean loss.
    public func run(_ batch: Batch, training: Bool, stepSeed: UInt64, backward: Bool, sampleOffset: Int = 0,
                    globalSamples: Int? = nil) throws -> Outcome {
        load(inputs: batch.inputs, shape: batch.shape)
        let target = try lossTarget(labels: batch.labels, targets: batch.targets)
        // An evaluation pass that no backward follows may run the graph's inference plan.
        let context = LayerContext(split: split, training: training, stepSeed: stepSeed, inferenceOnly: !training && !backward,
                                   sampleOffset: sampleOffset)
        let value = try step(target: target, context: context, backward: backward, meanOver: globalSamples ?? batch.count)
        return Outcome(loss: value, correct: countCorrect(labels: batch.labels))
    }

    /// Copies `inputs` ((N, sample shape), sample-major) into the model input of the next step.
    func load(inputs: UnsafeBufferPointer<Float>, shape: [Int]) {
        input.resize(to: Shape(shape))
        input.pointer.update(from: inputs.baseAddress!, count: inputs.count)
    }

    /// Forward and loss on the loaded input; with `backward`, also backward. Returns the batch-mean
    /// loss, the mean over `samples` samples (the loaded input's own count unless it is a part).
    func step(target: LossTarget, context: LayerContext, backward: Bool, meanOver samples: Int? = nil) throws -> Float {
        let output = graph.forward(input, context: context)
        let samples = samples ?? input.shape[0]
        var value = try loss.compute(predictions: output, target: target, gradient: backward ? graph.outputGradient : nil,
                                     meanOver: samples)
        if backward, let distillation {
            value = distillation.combine(hardLoss: value, studentLogits: output, input: input, gradient: graph.outputGradient,
                                         meanOver: samples)
        }
        if backward { graph.backward(input: input, context: context) }
        return value
    }

    /// Forward only (inference) on the loaded input.
    func forward(context: LayerContext) -> Tensor { graph.forward(input, context: context) }

    /// What the loss scores the loaded input's output against. Classification takes the labels
    /// (binary also float targets); mse takes float targets, or else the labels, which it
    /// compares as one-hot rows (as numbers for one output); reconstruction takes the input.
    func lossTarget(labels: UnsafeBufferPointer<Int32>?, targets: UnsafeBufferPointer<Float>?) throws -> LossTarget {
        switch task {
        case .multiClass, .binary:
            if let labels { return .classes(labels) }
            if let targets { return .values(targets) }
            throw EngineError("the data has no labels for \(loss.name)")
        case .regression:
            if let targets { return .values(targets) }
            if let labels { return .classes(labels) }
            throw EngineError("the data has no targets for mse")
        case .reconstruction:
            // The graph only reads its input, so the loss can read it in place.
            return .values(UnsafeBufferPointer(input.buffer))
        }
    }

    /// Samples of the last forward whose predicted class is their label.
    private func countCorrect(labels: UnsafeBufferPointer<Int32>?) -> Int {
        guard let labels, task.hasAccuracy else { return 0 }
        let output = graph.outputTensor
        let width = output.count / max(labels.count, 1)
        var correct = 0
        for i in 0..<labels.count where task.predictedClass(output.pointer + i * width, width: width) == Int(labels[i]) {
            correct += 1
        }
        return correct
    }
}
