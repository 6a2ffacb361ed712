import DLTCore
import DLTFormats
import DLTOptim
import Foundation

/// Where a training run stands between two steps: everything besides tensors that a resumed run
/// needs to continue bit for bit. Shuffling and dropout draw from generators derived from
/// (seed, epoch) and (seed, step), so the position in the run is the whole random state.
public struct TrainerState: Codable, Equatable {
    /// Completed epochs.
    public var epoch = 0
    /// Optimizer steps taken since the start of the run.
    public var step = 0
    /// Batches already done in the current (incomplete) epoch.
    public var batchInEpoch = 0
    /// Partial sums of the current epoch's training metrics.
    public var epochLossSum = 0.0
    public var epochCorrect = 0
    public var epochSamples = 0
    public var epochSeconds = 0.0
    /// Best monitored value so far and the epochs since it improved (early stopping, best.safetensors).
    public var bestMonitored: Double?
    public var epochsWithoutImprovement = 0
    /// Reduce-on-plateau: the factor applied to the schedule's rate, and its own patience counter.
    public var learningRateFactor = 1.0
    public var plateauEpochs = 0
    public var plateauBest: Double?
    /// Set when early stopping ended the run.
    public var stoppedEarly = false

    public init() {}

    /// Zeroes the current epoch's sums (at an epoch boundary).
    mutating func restartEpochSums() {
        epochLossSum = 0; epochCorrect = 0; epochSamples = 0; epochSeconds = 0
    }
}

/// A checkpoint: weights and running statistics under their layer names (PyTorch layouts), the
/// optimizer's slots as `optimizer.<param>.<slot>`, and metadata holding the config text,
/// the trainer state, the seed and the format version; the file itself carries a checksum.
public enum Checkpoint {
    public static let optimizerPrefix = "optimizer."

    public struct Contents {
        public let file: SafeTensorsFile
        public let path: String
        public var configText: String { file.metadata["config"] ?? "" }
        public var state: TrainerState
        public var optimizerStep: Int
        /// Text models: token id -> token, as built from the training data.
        public var vocabulary: [String]? {
            guard let json = file.metadata["vocabulary"] else { return nil }
            return try? JSONDecoder().decode([String].self, from: Data(json.utf8))
        }
    }

    public static func save(graph: Graph, optimizer: Optimizer?, state: TrainerState, configText: String,
                            seed: UInt64, vocabulary: [String]? = nil,
                            trainingState: [(name: String, tensor: Tensor)] = [], to path: String) throws {
        var tensors = graph.namedParameters.map {
            NamedTensor(name: $0.name, shape: $0.parameter.shape.dims, values: $0.parameter.value.array)
        }
        // Training state beside the optimizer's (pruning masks) shares its prefix: weight
        // loaders skip it, and only a resumed run reads it back.
        if let optimizer {
            tensors += (optimizer.stateTensors + trainingState).map {
                NamedTensor(name: optimizerPrefix + $0.name, shape: $0.tensor.shape.dims, values: $0.tensor.array)
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys   // identical runs give identical files
        let stateJSON = String(decoding: try encoder.encode(state), as: UTF8.self)
        var metadata = [
            "config": configText,
            "trainer_state": stateJSON,
            "epoch": String(state.epoch),
            "step": String(state.step),
            "seed": String(seed),
            "rng": "xoshiro256** seeded by SplitMix64(seed); shuffle stream = epoch, dropout stream = step",
            "optimizer_step": String(optimizer?.stepCount ?? 0),
            "producer": "dlt",
        ]
        if let vocabulary { metadata["vocabulary"] = String(decoding: try JSONEncoder().encode(vocabulary), as: UTF8.self) }
        try SafeTensors.write(SafeTensorsFile(tensors: tensors, metadata: metadata), to: path)
    }

    /// Reads a checkpoint written by `save` (or any safetensors file, for `--init-from`).
    public static func read(path: String) throws -> Contents {
        let file = try readInput(path)
        var state = TrainerState()
        if let json = file.metadata["trainer_state"] {
            guard let decoded = try? JSONDecoder().decode(TrainerState.self, from: Data(json.utf8)) else {
                throw FormatError(file: path, message: "the trainer state in the metadata is unreadable; the file is not a dlt checkpoint or is corrupt")
            }
            state = decoded
        }
        return Contents(file: file, path: path, state: state,
                        optimizerStep: Int(file.metadata["optimizer_step"] ?? "0") ?? 0)
    }

    /// Copies every model tensor of `contents` into the graph; all must be present with the graph's shapes.
    public static func loadWeights(_ contents: Contents, into graph: Graph) throws {
        _ = try NamedWeights.assign(contents.file, path: contents.path, to: graph, absentLayers: .refuse)
    }

    /// Restores the optimizer's slots and step count.
    public static func loadOptimizer(_ contents: Contents, into optimizer: Optimizer) throws {
        for (name, tensor) in optimizer.stateTensors {
            guard let saved = contents.file[optimizerPrefix + name], saved.shape == tensor.shape.dims else {
                throw FormatError(file: contents.path, message: "optimizer state '\(optimizerPrefix + name)' is missing or has another shape: the checkpoint was trained with another optimizer; use --init-from to start a new run from its weights")
            }
            copy(saved.values, into: tensor)
        }
        optimizer.restore(stepCount: contents.optimizerStep)
    }

    /// Reads a safetensors file given as input: a missing or unreadable file is bad usage
    /// (exit 2), unlike a failed write at run time.
    static func readInput(_ path: String) throws -> SafeTensorsFile {
        do {
            return try SafeTensors.read(path: path)
        } catch let error as FormatError {
            throw FormatError(file: error.file, message: error.message, kind: .invalidData)
        }
    }

    static func copy(_ values: [Float], into tensor: Tensor) {
        if values.isEmpty { return }
        values.withUnsafeBufferPointer { tensor.pointer.update(from: $0.baseAddress!, count: values.count) }
    }
}
