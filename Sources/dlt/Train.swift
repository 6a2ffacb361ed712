import ArgumentParser
import DLTConfig
import DLTTrain
import Foundation

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Train a model from a YAML config.")

    @Argument(help: "The model config (YAML).") var config: String
    @Option(help: "Run directory (default runs/<config name>, or the --resume checkpoint's directory).") var out: String?
    @Flag(help: "Replace a run directory that already holds a checkpoint.") var overwrite = false
    @Option(help: "Epochs (overrides train.epochs).") var epochs: Int?
    @Option(help: "Batch size (overrides train.batch_size).") var batchSize: Int?
    @Option(help: "Worker threads (default: every core).") var threads: Int?
    @Option(help: "Random seed (overrides seed).") var seed: UInt64?
    @Option(help: "Stop after N optimizer steps.") var maxSteps: Int?
    @Option(help: "Train on the first N training samples only.") var trainLimit: Int?
    @Option(help: "Continue the run saved in this checkpoint.") var resume: String?
    @Option(help: "Start from these weights (safetensors, dlt layer names, PyTorch layouts).") var initFrom: String?

    func run() throws {
        let model = try ModelConfig.load(path: config)
        var options = TrainOptions()
        options.outDir = out ?? resume.map { ($0 as NSString).deletingLastPathComponent }.flatMap { $0.isEmpty ? "." : $0 }
        options.overwrite = overwrite
        options.epochs = epochs
        options.batchSize = batchSize
        options.threads = threads
        options.seed = seed
        options.maxSteps = maxSteps
        options.trainLimit = trainLimit
        options.resume = resume
        options.initFrom = initFrom
        let trainer = try Trainer(config: model, options: options)
        let result = try trainer.run()
        var line = "run \(trainer.runDirectory.path): epoch \(result.state.epoch) step \(result.state.step)"
        if let validation = result.lastValidation {
            line += String(format: " val_loss %.4f", validation.loss)
            if let accuracy = validation.accuracy { line += String(format: " val_accuracy %.4f", accuracy) }
        }
        print(line + " checkpoint \(trainer.runDirectory.lastCheckpoint)")
        if result.interrupted { throw ExitCode(130) }
    }
}
