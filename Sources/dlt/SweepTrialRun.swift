import DLTConfig
import DLTTrain
import Foundation

/// One trial of a sweep, trained as a normal run in DIR/<trial>/ with all the threads asked for.
/// A trial directory left by an interrupted sweep continues from its last.safetensors (the
/// `--resume` of `dlt train`); one whose checkpoint already reached the end, because the sweep was
/// killed between training and writing sweep.jsonl, is only read back.
struct SweepTrialRun {
    let config: ModelConfig
    let directory: String
    let epochs: Int?
    let maxSteps: Int?
    let trainLimit: Int?
    let threads: Int?

    enum Start: Equatable { case fresh, resume(checkpoint: String), alreadyTrained }

    var start: Start {
        let last = directory + "/last.safetensors"
        guard FileManager.default.fileExists(atPath: last), let state = try? Checkpoint.read(path: last).state else {
            return .fresh
        }
        let reachedSteps = maxSteps.map { state.step >= $0 } ?? false
        if state.stoppedEarly || state.epoch >= (epochs ?? config.train.epochs) || reachedSteps { return .alreadyTrained }
        return .resume(checkpoint: last)
    }

    /// The trial's result, or nil when Ctrl-C stopped it (its last.safetensors then holds where it stood).
    /// A run-time failure (a NaN loss with on_nan: stop) is a failed trial, not the sweep's end.
    func run(monitor: MetricMonitor, progress: ProgressLine) throws -> SweepResult? {
        let started = Date()
        let start = start
        if start == .alreadyTrained {
            progress.note("sweep: \(directory) finished training before the sweep stopped; reading its metrics")
            return SweepResult(trial: name, runDirectory: directory, monitor: monitor, seconds: 0)
        }
        var options = TrainOptions()
        options.outDir = directory
        options.epochs = epochs
        options.maxSteps = maxSteps
        options.trainLimit = trainLimit
        options.threads = threads
        if case .resume(let checkpoint) = start {
            options.resume = checkpoint
            progress.note("sweep: resuming \(name) from \(checkpoint)")
        } else {
            options.overwrite = true
        }
        do {
            let trainer = try Trainer(config: config, options: options)
            if try trainer.run(progress: progress).interrupted { return nil }
        } catch let failure as RunFailure {
            progress.note("sweep: \(name) failed: \(failure.message)")
            return SweepResult(trial: name, runDirectory: directory, monitor: monitor,
                               seconds: Date().timeIntervalSince(started), error: failure.message)
        } catch {
            throw config.restated(error)
        }
        return SweepResult(trial: name, runDirectory: directory, monitor: monitor, seconds: Date().timeIntervalSince(started))
    }

    private var name: String { (directory as NSString).lastPathComponent }
}
