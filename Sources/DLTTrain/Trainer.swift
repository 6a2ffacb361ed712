import DLTConfig
import DLTCore
import DLTData
import DLTFormats
import DLTNN
import DLTOptim
import Foundation

/// Flags of `dlt train` that override or extend the config.
public struct TrainOptions {
    public var outDir: String?
    public var overwrite = false
    public var epochs: Int?
    public var batchSize: Int?
    public var threads: Int?
    public var seed: UInt64?
    public var maxSteps: Int?
    public var trainLimit: Int?
    public var resume: String?
    public var initFrom: String?
    public init() {}
}

/// `dlt train`: everything that can be wrong is checked in `init` (config, graph, data,
/// checkpoints, run directory) before a file is written; `run` then trains.
public final class Trainer {
    public let setup: ModelSetup
    public let data: TrainingData
    public let options: TrainOptions
    public let runDirectory: RunDirectory
    public let epochs: Int
    public let batchSize: Int
    public let seed: UInt64
    let optimizer: Optimizer
    let schedule: LearningRateSchedule
    var state = TrainerState()
    let metricColumns: [String]
    let trainableParameters: [NamedParameter]
    /// Layers of --init-from that the weights file did not hold (kept at their initialisation).
    public private(set) var layersNotInitialized: [String] = []

    public init(config: ModelConfig, options: TrainOptions) throws {
        self.options = options
        seed = options.seed ?? config.seed
        epochs = options.epochs ?? config.train.epochs
        batchSize = options.batchSize ?? config.train.batchSize
        guard epochs >= 0 else { throw UsageError("--epochs must be 0 or more, got \(epochs)") }
        guard batchSize > 0 else { throw UsageError("--batch-size must be positive, got \(batchSize)") }
        if let threads = options.threads, threads < 1 { throw UsageError("--threads must be positive, got \(threads)") }
        if let steps = options.maxSteps, steps < 1 { throw UsageError("--max-steps must be positive, got \(steps)") }
        if let limit = options.trainLimit, limit < 1 { throw UsageError("--train-limit must be positive, got \(limit)") }
        if options.resume != nil && options.initFrom != nil {
            throw UsageError("--resume continues a run and --init-from starts one: give only one")
        }

        setup = try ModelSetup(config: config, threads: options.threads, seed: seed)
        data = try TrainingData.load(config: config, task: setup.task, trainLimit: options.trainLimit,
                                     withTest: false)
        guard data.train.count > 0 else { throw DataError(file: config.file, message: "the training set is empty") }

        let out = options.outDir ?? "runs/\(config.name)"
        runDirectory = RunDirectory(path: out)
        if RunDirectory.holdsCheckpoint(out) && options.resume == nil && !options.overwrite {
            throw UsageError("\(out) already holds a run; pass --overwrite to replace it or --resume \(out)/last.safetensors to continue it")
        }

        for name in config.train.freeze {
            guard let layer = setup.graph.layers.first(where: { $0.name == name }) else {
                throw ConfigError(file: config.file, location: config.location(ofKeyPath: "train.freeze"),
                                  message: "train.freeze names '\(name)', which is not a layer")
            }
            for p in layer.parameters { p.isFrozen = true }
        }
        let trainable = setup.graph.namedParameters.map { NamedParameter(name: $0.name, parameter: $0.parameter) }
        trainableParameters = trainable.filter { $0.parameter.isTrainable }
        optimizer = config.optimizer.makeOptimizer(parameters: trainable)
        let stepsPerEpoch = (data.train.count + batchSize - 1) / batchSize
        schedule = try config.schedule.makeSchedule(learningRate: config.optimizer.lr, stepsPerEpoch: stepsPerEpoch,
                                                    totalSteps: stepsPerEpoch * max(epochs, 1), file: config.file)

        metricColumns = Trainer.columns(config: config, task: setup.task)

        if let resume = options.resume {
            let contents = try Checkpoint.read(path: resume)
            try Checkpoint.loadWeights(contents, into: setup.graph)
            try Checkpoint.loadOptimizer(contents, into: optimizer)
            state = contents.state
        } else if let initFrom = options.initFrom {
            layersNotInitialized = try WeightImport.load(path: initFrom, into: setup.graph)
        }
    }

    static func columns(config: ModelConfig, task: LearningTask) -> [String] {
        var columns = RunDirectory.metricKeys
        for metric in config.metrics where metric != "accuracy" && metric != "loss" {
            columns += ["train_\(metric)", "val_\(metric)"]
        }
        return columns + ["seconds", "images_per_second", "rss_mb"]
    }

    public struct Result {
        public var state: TrainerState
        public var interrupted: Bool
        public var lastValidation: Evaluator.Result?
    }

    /// Trains until the epochs are done, --max-steps is reached, early stopping fires or Ctrl-C.
    public func run(progress: ProgressLine = ProgressLine()) throws -> Result {
        let graph = setup.graph, runner = setup.runner
        let config = setup.config
        try runDirectory.prepare(configText: config.text, metricColumns: metricColumns, overwrite: options.overwrite,
                                 keepEpochs: options.resume == nil ? nil : state.epoch)
        defer { runDirectory.close() }
        for name in layersNotInitialized { progress.note("init-from: layer '\(name)' is not in the weights file; it keeps its initialisation") }
        Interrupt.install()
        var lastValidation: Evaluator.Result?
        let trainCount = data.train.count
        let batches = (trainCount + batchSize - 1) / batchSize
        if epochs == 0 || state.epoch >= epochs {
            try save(to: runDirectory.lastCheckpoint)
            return Result(state: state, interrupted: false, lastValidation: nil)
        }

        while state.epoch < epochs && !state.stoppedEarly {
            var shuffler = SeededRandom(seed: seed, stream: UInt64(state.epoch))
            let order = config.train.shuffle ? shuffler.permutation(trainCount) : Array(0..<trainCount)
            let remaining = Array(order[min(state.batchInEpoch * batchSize, trainCount)...])
            let batcher = try Batcher(dataset: data.train, order: remaining, batchSize: batchSize,
                                      normalization: data.normalization)
            var started = Date().timeIntervalSinceReferenceDate
            var stopForSteps = false
            while let batch = batcher.next() {
                optimizer.learningRate = Float(Double(schedule.learningRate(atStep: state.step)) * state.learningRateFactor)
                graph.zeroGradients()
                let outcome = try runner.run(batch, training: true, stepSeed: stepSeed(state.step), backward: true)
                let norm = gradientNormSquared(clip: config.optimizer.clipNorm)
                if !outcome.loss.isFinite || !norm.isFinite {
                    let layer = graph.firstNonFiniteLayer() ?? "the loss"
                    let what = outcome.loss.isFinite ? "gradient" : "loss"
                    if config.train.onNaN == .skip {
                        progress.note("step \(state.step + 1): non-finite \(what) (first in '\(layer)'); step skipped (on_nan: skip)")
                        state.step += 1; state.batchInEpoch += 1
                        continue
                    }
                    throw RunFailure("step \(state.step + 1) (epoch \(state.epoch + 1)): the \(what) became NaN or infinite, first in layer '\(layer)'; training stopped, \(runDirectory.lastCheckpoint) keeps the last good epoch (set train.on_nan: skip to skip such steps, or lower the learning rate)")
                }
                optimizer.step()
                state.step += 1
                state.batchInEpoch += 1
                state.epochLossSum += Double(outcome.loss) * Double(batch.count)
                state.epochCorrect += outcome.correct
                state.epochSamples += batch.count
                let now = Date().timeIntervalSinceReferenceDate
                state.epochSeconds += now - started
                started = now
                progress.step(epoch: state.epoch + 1, epochs: epochs, batch: state.batchInEpoch, batches: batches,
                              loss: state.epochLossSum / Double(state.epochSamples),
                              accuracy: reportsAccuracy ? Double(state.epochCorrect) / Double(state.epochSamples) : nil,
                              imagesPerSecond: Double(state.epochSamples) / max(state.epochSeconds, 1e-9),
                              elapsed: state.epochSeconds)
                if Interrupt.requested {
                    try save(to: runDirectory.lastCheckpoint)
                    progress.note("interrupted at step \(state.step); wrote \(runDirectory.lastCheckpoint) (continue with --resume)")
                    return Result(state: state, interrupted: true, lastValidation: lastValidation)
                }
                if let maxSteps = options.maxSteps, state.step >= maxSteps { stopForSteps = true; break }
            }
            let epochDone = state.batchInEpoch >= batches
            if epochDone {
                state.epoch += 1
                state.batchInEpoch = 0
            }
            lastValidation = try finishEpoch(progress: progress, partial: !epochDone)
            if stopForSteps { break }
        }
        return Result(state: state, interrupted: false, lastValidation: lastValidation)
    }

    /// Validation, the metrics row, best/last checkpoints, early stopping and reduce-on-plateau.
    private func finishEpoch(progress: ProgressLine, partial: Bool) throws -> Evaluator.Result? {
        let config = setup.config
        let samples = max(state.epochSamples, 1)
        let trainLoss = state.epochLossSum / Double(samples)
        let trainAccuracy = reportsAccuracy ? Double(state.epochCorrect) / Double(samples) : nil
        var validation: Evaluator.Result?
        if let val = data.validation, val.count > 0 {
            validation = try Evaluator.evaluate(val, runner: setup.runner, normalization: data.normalization,
                                                batchSize: batchSize)
        }
        let epochNumber = partial ? state.epoch + 1 : state.epoch
        var row: [String: Double?] = [
            "epoch": Double(epochNumber), "step": Double(state.step),
            "lr": Double(optimizer.learningRate),
            "train_loss": trainLoss, "train_accuracy": trainAccuracy,
            "val_loss": validation?.loss, "val_accuracy": validation?.accuracy,
            "seconds": state.epochSeconds,
            "images_per_second": Double(state.epochSamples) / max(state.epochSeconds, 1e-9),
            "rss_mb": ResidentMemory.megabytes(),
        ]
        if let metrics = validation?.metrics {
            row["val_precision"] = metrics.macroPrecision
            row["val_recall"] = metrics.macroRecall
            row["val_f1"] = metrics.macroF1
            row["val_auc"] = metrics.auc
        }
        try runDirectory.append(row, epoch: epochNumber)
        for (name, parameter) in setup.graph.namedParameters where name.hasSuffix(".weight") {
            runDirectory.histogram(tag: name, values: parameter.value.array, epoch: epochNumber)
        }
        runDirectory.flushEvents()

        var summary = "epoch \(epochNumber)/\(epochs)\(partial ? " (stopped at step \(state.step))" : "")  loss \(fixed(trainLoss, 4))"
        if let trainAccuracy { summary += "  accuracy \(fixed(trainAccuracy, 4))" }
        if let validation {
            summary += "  val_loss \(fixed(validation.loss, 4))"
            if let acc = validation.accuracy { summary += "  val_accuracy \(fixed(acc, 4))" }
        }
        summary += "  \(Int(Double(state.epochSamples) / max(state.epochSeconds, 1e-9))) img/s  \(fixed(state.epochSeconds, 1))s"
        progress.epochEnd(summary)

        let monitored = monitoredValue(config.train.earlyStopping?.monitor ?? "val_loss", row: row)
        if !partial {
            if let value = monitored.value {
                let improved = state.bestMonitored.map { monitored.maximize ? value > $0 + (config.train.earlyStopping?.minDelta ?? 0) : value < $0 - (config.train.earlyStopping?.minDelta ?? 0) } ?? true
                if improved {
                    state.bestMonitored = value
                    state.epochsWithoutImprovement = 0
                } else {
                    state.epochsWithoutImprovement += 1
                }
                if let patience = config.train.earlyStopping?.patience, state.epochsWithoutImprovement > patience {
                    state.stoppedEarly = true
                    progress.note("early stopping: \(monitored.key) has not improved for \(state.epochsWithoutImprovement) epochs")
                }
                if let plateau = config.train.reduceLROnPlateau {
                    let p = monitoredValue(plateau.monitor, row: row)
                    if let v = p.value {
                        if state.plateauBest.map({ p.maximize ? v > $0 : v < $0 }) ?? true {
                            state.plateauBest = v; state.plateauEpochs = 0
                        } else {
                            state.plateauEpochs += 1
                            if state.plateauEpochs > plateau.patience {
                                let base = Double(schedule.learningRate(atStep: state.step))
                                let floor = plateau.minLR / max(base, 1e-30)
                                state.learningRateFactor = max(state.learningRateFactor * plateau.factor, floor)
                                state.plateauEpochs = 0
                                progress.note("reduce_lr_on_plateau: learning rate now \(base * state.learningRateFactor)")
                            }
                        }
                    }
                }
                if improved { try save(to: runDirectory.bestCheckpoint) }
            }
        }
        let lastEpoch = state.epoch >= epochs || state.stoppedEarly
        let due = partial || lastEpoch || state.epoch % max(config.train.checkpointEvery, 1) == 0
        // The checkpoint is written after the epoch's bookkeeping, and the sums restart with it.
        state.epochLossSum = 0; state.epochCorrect = 0; state.epochSamples = 0; state.epochSeconds = 0
        if due { try save(to: runDirectory.lastCheckpoint) }
        // A run stopped inside its first epoch (--max-steps) still leaves a best checkpoint.
        if partial && !FileManager.default.fileExists(atPath: runDirectory.bestCheckpoint) {
            try save(to: runDirectory.bestCheckpoint)
        }
        return validation
    }

    private func monitoredValue(_ key: String, row: [String: Double?]) -> (key: String, value: Double?, maximize: Bool) {
        var key = key
        if (row[key] ?? nil) == nil && key.hasPrefix("val_") { key = "train_" + key.dropFirst(4) }
        let maximize = !key.hasSuffix("loss")
        return (key, row[key] ?? nil, maximize)
    }

    private func save(to path: String) throws {
        do {
            try Checkpoint.save(graph: setup.graph, optimizer: optimizer, state: state, configText: setup.config.text,
                                seed: seed, vocabulary: data.vocabulary, to: path)
        } catch let error as FormatError {
            throw RunFailure("\(error.description); the previous checkpoint is kept")
        }
    }

    /// The squared global gradient norm (non-finite when any gradient is); clips to `clip` when given.
    private func gradientNormSquared(clip: Double?) -> Double {
        if let clip {
            let norm = Double(clipGradientsByGlobalNorm(trainableParameters, maxNorm: Float(clip)))
            return norm * norm
        }
        var sum: Float = 0
        for p in trainableParameters {
            sum += Elementwise.sumOfSquares(p.parameter.gradient.pointer, count: p.parameter.gradient.count)
        }
        return Double(sum)
    }

    /// Accuracy is reported when the task has one and the data carries labels.
    private var reportsAccuracy: Bool { setup.task.hasAccuracy && data.train.labels != nil }

    /// Dropout's seed for a step: depends only on the run seed and the step number.
    private func stepSeed(_ step: Int) -> UInt64 {
        var random = SeededRandom(seed: seed, stream: UInt64(step) &+ 0x5EED)
        return random.next()
    }
}

/// Bad flags or a run directory in the way: exit code 2, like a config error.
public struct UsageError: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
