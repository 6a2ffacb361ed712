import DLTConfig
import DLTCore
import DLTData
import DLTFormats
import Foundation

/// A checkpoint made runnable for eval, predict, export and bench: the config it carries,
/// the graph with its weights, and the vocabulary of text models.
public final class TrainedModel {
    public let checkpointPath: String
    public let config: ModelConfig
    public let setup: ModelSetup
    public let vocabulary: [String]?

    public init(checkpoint path: String, threads: Int? = nil) throws {
        let contents = try Checkpoint.read(path: path)
        guard !contents.configText.isEmpty else {
            throw FormatError(file: path, message: "no config in the metadata: not a dlt checkpoint (weights alone load with dlt train --init-from)")
        }
        checkpointPath = path
        config = try ModelConfig.parse(text: contents.configText, file: path + ":config")
        setup = try ModelSetup(config: config, threads: threads, seed: config.seed)
        try Checkpoint.loadWeights(contents, into: setup.graph)
        vocabulary = contents.vocabulary
    }

    public var graph: Graph { setup.graph }
    public var task: LearningTask { setup.task }

    /// Class names from the config, or "0", "1", ...
    public var classNames: [String] {
        if let names = config.data?.classes { return names }
        return (0..<max(task.classCount, graph.outputShape.count)).map(String.init)
    }
}
