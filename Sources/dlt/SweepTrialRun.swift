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

    /// The trial's trainer, with config, graph, data and checkpoint checked and nothing written
    /// yet; nil when the trial already trained.
    func makeTrainer() throws -> Trainer? {
        let start = start
        if start == .alreadyTrained { return nil }
        var options = TrainOptions()
        options.outDir = directory
        options.epochs = epochs
        options.maxSteps = maxSteps
        options.trainLimit = trainLimit
        options.threads = threads
        if case .resume(let checkpoint) = start {
            options.resume = checkpoint
        } else {
            options.overwrite = true
        }
        do { return try Trainer(config: config, options: options) } catch { throw config.restated(error) }
    }

    /// Trains with `trainer` (from `makeTrainer`); the trial's result, or nil when Ctrl-C stopped it
    /// (its last.safetensors then holds where it stood). A run-time failure (a NaN loss with
    /// on_nan: stop) is a failed trial, not the sweep's end.
    func run(_ trainer: Trainer?, monitor: MetricMonitor, progress: ProgressLine) throws -> SweepResult? {
        guard let trainer else {
            progress.note("sweep: \(directory) finished training before the sweep stopped; reading its metrics")
            return SweepResult(trial: name, runDirectory: directory, monitor: monitor, seconds: 0)
        }
        if let checkpoint = trainer.options.resume { progress.note("sweep: resuming \(name) from \(checkpoint)") }
        let started = Date()
        do {
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
