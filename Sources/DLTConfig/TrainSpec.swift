import Yams

/// `train:` — the loop. Defaults: 5 epochs (the reference models' setting), batch 32 and
/// shuffling (Keras' fit), a checkpoint every epoch, stop on a NaN loss.
public struct TrainSpec {
    public enum OnNaN: String, ConfigName {
        /// end training with exit code 1, keeping the last good checkpoint
        case stop
        /// drop the batch (no optimizer step) and go on
        case skip
    }

    /// Stop when `monitor` has not improved by more than `minDelta` for `patience` epochs
    /// (Keras' EarlyStopping; losses improve downwards, other metrics upwards).
    public struct EarlyStopping {
        public let monitor: String
        public let patience: Int
        public let minDelta: Double
        public let location: SourceLocation
    }

    /// Multiply the learning rate by `factor` when `monitor` has not improved for `patience`
    /// epochs, never below `minLR` (Keras' ReduceLROnPlateau).
    public struct ReduceLROnPlateau {
        public let monitor: String
        public let factor: Double
        public let patience: Int
        public let minLR: Double
        public let location: SourceLocation
    }

    public let epochs: Int
    public let batchSize: Int
    /// The metric that picks best.safetensors and ranks `dlt sweep` trials (default val_loss, or
    /// early_stopping's monitor); when given, early stopping and plateau reduction follow it unless
    /// they name one.
    public let monitor: String
    public let shuffle: Bool
    public let earlyStopping: EarlyStopping?
    public let reduceLROnPlateau: ReduceLROnPlateau?
    /// Write last.safetensors every this many epochs (best.safetensors whenever validation improves).
    public let checkpointEvery: Int
    /// Layers whose parameters are not updated.
    public let freeze: [String]
    public let onNaN: OnNaN
    /// Magnitude pruning (PruneSpec.swift).
    public let prune: PruneSpec?
    /// Knowledge distillation (DistillSpec.swift).
    public let distill: DistillSpec?
    public let location: SourceLocation

    static let keys = ["epochs", "batch_size", "monitor", "shuffle", "early_stopping", "reduce_lr_on_plateau",
                       "checkpoint_every", "freeze", "on_nan", "prune", "distill"]
}

struct TrainParser {
    let reader: ValueReader
    let layerNames: [String]
    /// What `monitor:` may name: train_/val_ + loss and each metric.
    let monitors: [String]

    func parse(_ node: Node?, defaultLocation: SourceLocation) throws -> TrainSpec {
        guard let node else {
            return TrainSpec(epochs: 5, batchSize: 32, monitor: "val_loss", shuffle: true, earlyStopping: nil, reduceLROnPlateau: nil,
                             checkpointEvery: 1, freeze: [], onNaN: .stop, prune: nil, distill: nil, location: defaultLocation)
        }
        let options = try MappingReader(node, section: "train", reader: reader)
        try options.checkKeys(allowed: TrainSpec.keys)
        var freeze: [String] = []
        if let freezeNode = try options.value("freeze") {
            freeze = try reader.sequenceOrScalar(freezeNode, "train: freeze").map { item in
                let name = try reader.string(item, "train: freeze entries")
                guard layerNames.contains(name) else {
                    throw reader.error(item, "train: freeze: " + ValueReader.unknownName(kind: "layer", name: name, allowed: layerNames))
                }
                return name
            }
        }
        let explicitMonitor = try options.choice("monitor", monitors, kind: "monitor")
        let stopping = try options.value("early_stopping").map { try earlyStopping($0, trainMonitor: explicitMonitor) }
        let monitor = explicitMonitor ?? stopping?.monitor ?? "val_loss"
        return TrainSpec(
            epochs: try options.int("epochs", atLeast: 1) ?? 5,
            batchSize: try options.int("batch_size", atLeast: 1) ?? 32,
            monitor: monitor,
            shuffle: try options.bool("shuffle") ?? true,
            earlyStopping: stopping,
            reduceLROnPlateau: try options.value("reduce_lr_on_plateau").map { try reduceLROnPlateau($0, defaultMonitor: explicitMonitor ?? "val_loss") },
            checkpointEvery: try options.int("checkpoint_every", atLeast: 1) ?? 1,
            freeze: freeze,
            onNaN: try options.choice("on_nan", kind: "on_nan action") ?? .stop,
            prune: try options.value("prune").map(prune),
            distill: try options.value("distill").map(distill),
            location: options.location ?? defaultLocation)
    }

    /// best.safetensors and early stopping share one tracker, so they must follow one metric.
    private func earlyStopping(_ node: Node, trainMonitor: String?) throws -> TrainSpec.EarlyStopping {
        let options = try MappingReader(node, section: "train.early_stopping", reader: reader)
        try options.checkKeys(allowed: ["monitor", "patience", "min_delta"])
        let monitor = try options.choice("monitor", monitors, kind: "monitor")
        if let monitor, let trainMonitor, monitor != trainMonitor {
            throw reader.error(options.node("monitor"),
                               "train.early_stopping: monitor '\(monitor)' differs from train.monitor '\(trainMonitor)'; best.safetensors and early stopping follow one metric, so give it once")
        }
        return .init(monitor: monitor ?? trainMonitor ?? "val_loss",
                     patience: try options.int("patience", atLeast: 0) ?? 0,
                     minDelta: try options.double("min_delta", "≥ 0", { $0 >= 0 }) ?? 0,
                     location: options.location!)
    }

    private func reduceLROnPlateau(_ node: Node, defaultMonitor: String) throws -> TrainSpec.ReduceLROnPlateau {
        let options = try MappingReader(node, section: "train.reduce_lr_on_plateau", reader: reader)
        try options.checkKeys(allowed: ["monitor", "factor", "patience", "min_lr"])
        return .init(monitor: try options.choice("monitor", monitors, kind: "monitor") ?? defaultMonitor,
                     factor: try options.double("factor", "in (0, 1)", { $0 > 0 && $0 < 1 }) ?? 0.1,
                     patience: try options.int("patience", atLeast: 0) ?? 10,
                     minLR: try options.double("min_lr", "≥ 0", { $0 >= 0 }) ?? 0,
                     location: options.location!)
    }
}
