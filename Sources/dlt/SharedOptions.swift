import ArgumentParser
import DLTConfig
import DLTTrain
import Foundation

// The flags and arguments that several commands take, each declared once with its rule, so a
// value that one command refuses is refused by all (bad usage: one line, exit 2, before any work).

/// `--threads N` (train, eval, predict, bench).
struct ThreadOptions: ParsableArguments {
    @Option(help: "Worker threads, at least 1 (default: every core).") var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }
}

/// `--batch-size N` (train, bench).
struct BatchSizeOptions: ParsableArguments {
    @Option(help: "Samples per batch, at least 1 (default: the config's train.batch_size).") var batchSize: Int?

    func validate() throws {
        if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
    }
}

/// `--epochs`, `--max-steps`, `--train-limit`: how much of the pipeline a training run covers.
struct TrainingLengthOptions: ParsableArguments {
    @Option(help: "Epochs, 0 or more (overrides train.epochs).") var epochs: Int?
    @Option(help: "Stop after N optimizer steps, at least 1.") var maxSteps: Int?
    @Option(help: "Train on the first N training samples only, at least 1.") var trainLimit: Int?

    func validate() throws {
        if let epochs, epochs < 0 { throw ValidationError("--epochs must be 0 or more, got \(epochs)") }
        if let maxSteps, maxSteps < 1 { throw ValidationError("--max-steps must be at least 1, got \(maxSteps)") }
        if let trainLimit, trainLimit < 1 { throw ValidationError("--train-limit must be at least 1, got \(trainLimit)") }
    }
}

/// `--json` (eval, bench): one JSON object on stdout instead of the human-readable text.
struct JSONOutputOptions: ParsableArguments {
    @Flag(help: "Print one JSON object instead of the table.") var json = false
}

/// The CONFIG argument and its `--set KEY=VALUE` overrides (train, summary, bench, augment).
struct ConfigArgument: ParsableArguments {
    @Argument(help: "The model config (YAML).") var config: String
    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Override one config value: a dotted path and a YAML value, e.g. optimizer.lr=0.01 or model.layers.2.conv2d.filters=128 (repeatable).",
        valueName: "KEY=VALUE"))
    var overrides: [String] = []

    func parsedOverrides() throws -> [ConfigOverride] { try overrides.map { try ConfigOverride(argument: $0) } }

    func load() throws -> ModelConfig { try ModelConfig.load(path: config, overrides: parsedOverrides()) }

    /// Loads the config and runs `body` on it; a config error that later stages (graph, data)
    /// raise at an overridden value names its `--set` flag too.
    func with<T>(_ body: (ModelConfig) throws -> T) throws -> T {
        let model = try load()
        do { return try body(model) } catch { throw model.restated(error) }
    }
}

/// The CKPT argument (eval, predict, export).
struct CheckpointArgument: ParsableArguments {
    @Argument(help: "A checkpoint written by dlt train (DIR/best.safetensors or DIR/last.safetensors).")
    var checkpoint: String

    /// A run directory is the likely mistake: name the files it should hold.
    func validate() throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: checkpoint, isDirectory: &isDirectory), isDirectory.boolValue {
            let directory = checkpoint.hasSuffix("/") ? String(checkpoint.dropLast()) : checkpoint
            throw ValidationError("\(checkpoint) is a directory: give a checkpoint file such as \(directory)/best.safetensors")
        }
    }

    func load(threads: Int?) throws -> TrainedModel { try TrainedModel(checkpoint: checkpoint, threads: threads) }
}
