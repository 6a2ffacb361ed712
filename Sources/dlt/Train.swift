import ArgumentParser
import DLTConfig
import DLTTrain
import Foundation

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Train a model from a YAML config.")

    @OptionGroup var config: ConfigArgument
    @Option(help: "Run directory (default runs/<config name>, or the --resume checkpoint's directory).") var out: String?
    @Flag(help: "Replace a run directory that already holds a checkpoint.") var overwrite = false
    @OptionGroup var length: TrainingLengthOptions
    @OptionGroup var batch: BatchSizeOptions
    @OptionGroup var threading: ThreadOptions
    @Option(help: "Random seed (overrides seed).") var seed: UInt64?
    @Option(help: "Continue the run saved in this checkpoint.") var resume: String?
    @Option(help: "Start from these weights (safetensors, dlt layer names, PyTorch layouts).") var initFrom: String?

    func run() throws {
        let group = try ProcessGroup.join()
        try config.with { model in try train(model, group: group) }
    }

    private func train(_ model: ModelConfig, group: ProcessGroup) throws {
        var options = TrainOptions()
        options.group = group
        options.outDir = out ?? resume.map { ($0 as NSString).deletingLastPathComponent }.flatMap { $0.isEmpty ? "." : $0 }
        options.overwrite = overwrite
        options.epochs = length.epochs
        options.batchSize = batch.batchSize
        options.threads = threading.threads ?? group.defaultThreads
        options.seed = seed
        options.maxSteps = length.maxSteps
        options.trainLimit = length.trainLimit
        options.resume = resume
        options.initFrom = initFrom
        if let threads = threading.threads, group.isDistributed, group.rank == 0,
           threads * group.localSize > ProcessInfo.processInfo.processorCount {
            FileHandle.standardError.write(Data("note: \(group.localSize) ranks x \(threads) threads exceed this machine's \(ProcessInfo.processInfo.processorCount) cores; leave --threads out to share them\n".utf8))
        }
        let trainer = try Trainer(config: model, options: options)
        let result = try trainer.run(progress: ProgressLine(quiet: group.rank != 0))
        group.finish()
        if result.interrupted { throw ExitCode(130) }
        guard group.rank == 0 else { return }
        var line = "run \(trainer.runDirectory.path): epoch \(result.state.epoch) step \(result.state.step)"
        if let validation = result.lastValidation {
            line += String(format: " val_loss %.4f", validation.loss)
            if let accuracy = validation.accuracy { line += String(format: " val_accuracy %.4f", accuracy) }
        }
        print(line + " checkpoint \(trainer.runDirectory.lastCheckpoint)")
    }
}
