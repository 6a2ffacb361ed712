import DLTConfig
import DLTCore
import DLTNN

/// A config made runnable: the graph with its initial weights, the loss (fused with the output
/// activation where that is stable), the task, and the step runner on a thread split.
public final class ModelSetup {
    public let config: ModelConfig
    public let graph: Graph
    public let loss: Loss
    public let task: LearningTask
    public let split: ThreadSplit
    public let runner: StepRunner

    public init(config: ModelConfig, threads: Int?, seed: UInt64) throws {
        self.config = config
        graph = try GraphBuilder.build(config)
        let lossName = config.loss.name
        if let activation = lossName.fusedActivation { graph.moveOutputActivationIntoLoss(activation) }
        loss = lossName.makeLoss()
        do {
            task = try LearningTask.make(loss: lossName, output: graph.outputShape, input: graph.inputShape)
        } catch let error as EngineError {
            throw ConfigError(file: config.file, location: config.location(ofKeyPath: "loss"), message: error.message)
        }
        var random = SeededRandom(seed: seed)
        graph.initializeParameters(random: &random)
        split = ThreadSplit(threads: threads)
        runner = StepRunner(graph: graph, loss: loss, task: task, split: split)
    }
}
