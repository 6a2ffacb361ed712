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
    /// The ranks training together (`mpirun`); this process alone by default.
    public var group = ProcessGroup.single
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
    /// `train.prune`'s masks, when the config prunes.
    let pruner: MagnitudePruner?
    /// The gradient allreduce and data sharding under mpirun; nil for one process.
    let parallel: DataParallel?
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
        if options.group.isDistributed && batchSize < options.group.size {
            throw UsageError("batch size \(batchSize) is smaller than the \(options.group.size) ranks: every rank needs a sample of each batch")
        }
        if options.resume != nil && options.initFrom != nil {
            throw UsageError("--resume continues a run and --init-from starts one: give only one")
        }

        setup = try ModelSetup(config: config, threads: options.threads, seed: seed)
        data = try TrainingData.load(config: config, task: setup.task, tokenInputs: setup.graph.tokenInputs,
                                     trainLimit: options.trainLimit,
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
        parallel = options.group.isDistributed ? DataParallel(group: options.group, parameters: trainableParameters.map(\.parameter)) : nil
        optimizer = config.optimizer.makeOptimizer(parameters: trainable)
        pruner = try MagnitudePruner.make(config: config, graph: setup.graph, optimizer: optimizer)
        setup.runner.distillation = try Distillation.make(config: config, student: setup, threads: options.threads)
        let stepsPerEpoch = (data.train.count + batchSize - 1) / batchSize
        schedule = try config.schedule.makeSchedule(learningRate: config.optimizer.lr, stepsPerEpoch: stepsPerEpoch,
                                                    totalSteps: stepsPerEpoch * max(epochs, 1), file: config.file)

        metricColumns = Trainer.columns(config: config)

        if let resume = options.resume {
            let contents = try Checkpoint.read(path: resume)
            try Checkpoint.loadWeights(contents, into: setup.graph)
            try Checkpoint.loadOptimizer(contents, into: optimizer)
            try pruner?.restore(contents)
            state = contents.state
            // A checkpoint at an epoch boundary (best.safetensors) may hold the finished epoch's sums.
            if state.batchInEpoch == 0 { state.restartEpochSums() }
        } else if let initFrom = options.initFrom {
            layersNotInitialized = try WeightImport.load(path: initFrom, into: setup.graph)
        }
    }

    static func columns(config: ModelConfig) -> [String] {
        var columns = RunDirectory.metricKeys
        for metric in config.metrics where metric != "accuracy" && metric != "loss" {
            columns += ["train_\(metric)", "val_\(metric)"]
        }
        if config.train.prune != nil { columns.append("sparsity") }
        return columns + ["seconds", "images_per_second", "rss_mb"]
    }

    public struct Result {
        public var state: TrainerState
        public var interrupted: Bool
        public var lastValidation: Evaluator.Result?
    }

    /// Trains until the epochs are done, --max-steps is reached, early stopping fires or Ctrl-C.
    public func run(progress: ProgressLine = ProgressLine()) throws -> Result {
        // Every rank starts from rank 0's weights, which also holds the ranks together until all are ready.
        try parallel?.checkRanksAgree(trainingSamples: data.train.count, batchSize: batchSize)
        parallel?.broadcast(setup.graph.namedParameters.map(\.parameter))
        if writesRunDirectory {
            try runDirectory.prepare(configText: setup.config.text, metricColumns: metricColumns, overwrite: options.overwrite,
                                     keepEpochs: options.resume == nil ? nil : state.epoch)
        }
        defer { runDirectory.close() }
        for name in layersNotInitialized { progress.note("init-from: layer '\(name)' is not in the weights file; it keeps its initialisation") }
        Interrupt.install(distributed: options.group.isDistributed)
        if epochs == 0 || state.epoch >= epochs {
            try save(to: runDirectory.lastCheckpoint)
            return Result(state: state, interrupted: false, lastValidation: nil)
        }
        var lastValidation: Evaluator.Result?
        while state.epoch < epochs && !state.stoppedEarly {
            let end = try trainEpoch(progress: progress)
            if end == .interrupted { return Result(state: state, interrupted: true, lastValidation: lastValidation) }
            let epochDone = state.batchInEpoch >= batchesPerEpoch
            if epochDone {
                state.epoch += 1
                state.batchInEpoch = 0
            }
            lastValidation = try finishEpoch(progress: progress, partial: !epochDone)
            if end == .maxSteps { break }
        }
        if let pruner { progress.note(pruner.summary) }
        return Result(state: state, interrupted: false, lastValidation: lastValidation)
    }

    private enum EpochEnd { case dataDone, maxSteps, interrupted }

    private var batchesPerEpoch: Int { (data.train.count + batchSize - 1) / batchSize }

    /// Rank 0 alone writes the run directory, metrics and checkpoints.
    var writesRunDirectory: Bool { options.group.rank == 0 }

    /// The rest of the current epoch, step by step; an interrupt writes last.safetensors first.
    private func trainEpoch(progress: ProgressLine) throws -> EpochEnd {
        let (batcher, batchCounts) = try epochBatcher()
        var started = Date().timeIntervalSinceReferenceDate
        for count in batchCounts {
            // A rank whose part of a short last batch is empty still joins the step's allreduce.
            let batch = parallel?.slice(ofBatch: count).isEmpty == true ? nil : batcher.next()
            guard let outcome = try trainStep(batch, globalCount: count, progress: progress) else { continue }
            state.epochLossSum += Double(outcome.loss) * Double(count)
            state.epochCorrect += outcome.correct
            state.epochSamples += count
            let now = Date().timeIntervalSinceReferenceDate
            state.epochSeconds += now - started
            started = now
            progress.step(epoch: state.epoch + 1, epochs: epochs, batch: state.batchInEpoch, batches: batchesPerEpoch,
                          loss: state.epochLossSum / Double(state.epochSamples),
                          accuracy: reportsAccuracy ? Double(state.epochCorrect) / Double(state.epochSamples) : nil,
                          imagesPerSecond: Double(state.epochSamples) / max(state.epochSeconds, 1e-9),
                          elapsed: state.epochSeconds)
            if outcome.interrupted {
                try save(to: runDirectory.lastCheckpoint)
                progress.note("interrupted at step \(state.step); wrote \(runDirectory.lastCheckpoint) (continue with --resume)")
                return .interrupted
            }
            if let maxSteps = options.maxSteps, state.step >= maxSteps { return .maxSteps }
        }
        return .dataDone
    }

    /// The batches of the current epoch still to train, and each one's size over all ranks: the
    /// shuffle depends only on (seed, epoch), the augmentation on (seed, epoch, sample index).
    /// Under mpirun the batcher yields this rank's part of each batch.
    private func epochBatcher() throws -> (Batcher, [Int]) {
        let trainCount = data.train.count
        var shuffler = SeededRandom(seed: seed, stream: UInt64(state.epoch))
        let order = setup.config.train.shuffle ? shuffler.permutation(trainCount) : Array(0..<trainCount)
        let remaining = Array(order[min(state.batchInEpoch * batchSize, trainCount)...])
        let counts = stride(from: 0, to: remaining.count, by: batchSize).map { min(batchSize, remaining.count - $0) }
        let batcher = try Batcher(dataset: data.train, order: parallel?.localOrder(remaining, batchSize: batchSize) ?? remaining,
                                  batchSize: parallel?.slice(ofBatch: batchSize).count ?? batchSize,
                                  normalization: data.normalization,
                                  augmentation: Augmentation(transforms: data.augment, seed: seed, epoch: state.epoch))
        return (batcher, counts)
    }

    /// A training step's figures over the whole (global) batch.
    struct StepOutcome {
        var loss: Float
        var correct: Int
        var interrupted: Bool
    }

    /// Forward and backward on this process's batch (none: a rank with no part of a short batch);
    /// under mpirun the ranks' gradients and figures are then summed.
    private func computeGradients(_ batch: Batch?, globalCount: Int) throws -> StepOutcome {
        setup.graph.zeroGradients()
        var local = StepRunner.Outcome(loss: 0, correct: 0)
        if let batch {
            local = try setup.runner.run(batch, training: true, stepSeed: stepSeed(state.step), backward: true,
                                         sampleOffset: parallel?.slice(ofBatch: globalCount).lowerBound ?? 0,
                                         globalSamples: globalCount)
        }
        pruner?.maskGradients()
        guard let parallel else { return StepOutcome(loss: local.loss, correct: local.correct, interrupted: Interrupt.requested) }
        let totals = parallel.reduceStep(loss: local.loss, correct: local.correct, interrupted: Interrupt.requested)
        return StepOutcome(loss: totals.loss, correct: totals.correct, interrupted: totals.interrupted)
    }

    /// One optimizer step on `batch`; nil when a non-finite loss or gradient skipped it (on_nan: skip).
    private func trainStep(_ batch: Batch?, globalCount: Int, progress: ProgressLine) throws -> StepOutcome? {
        let graph = setup.graph, config = setup.config
        optimizer.learningRate = Float(Double(schedule.learningRate(atStep: state.step)) * state.learningRateFactor)
        pruner?.prepare(step: state.step)
        let outcome = try computeGradients(batch, globalCount: globalCount)
        let norm = gradientNormSquared(clip: config.optimizer.clipNorm)
        if outcome.loss.isFinite && norm.isFinite {
            optimizer.step(split: setup.split)
            pruner?.applyMasks()
            state.step += 1; state.batchInEpoch += 1
            return outcome
        }
        let layer = graph.firstNonFiniteLayer() ?? "the loss"
        let what = outcome.loss.isFinite ? "gradient" : "loss"
        switch config.train.onNaN {
        case .skip:
            progress.note("step \(state.step + 1): non-finite \(what) (first in '\(layer)'); step skipped (on_nan: skip)")
            state.step += 1; state.batchInEpoch += 1
            return nil
        case .stop:
            // Under mpirun the loss and gradients are the summed ones, so every rank stops here.
            throw ReportedByRankZero.on(options.group, RunFailure("step \(state.step + 1) (epoch \(state.epoch + 1)): the \(what) became NaN or infinite, first in layer '\(layer)'; training stopped, \(runDirectory.lastCheckpoint) keeps the last good epoch (set train.on_nan: skip to skip such steps, or lower the learning rate)"), exitCode: 1)
        }
    }

    func save(to path: String) throws {
        guard writesRunDirectory else { return }
        do {
            try Checkpoint.save(graph: setup.graph, optimizer: optimizer, state: state, configText: setup.config.text,
                                seed: seed, vocabulary: data.vocabulary,
                                trainingState: pruner?.stateTensors ?? [], to: path)
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
    var reportsAccuracy: Bool { setup.task.hasAccuracy && data.train.labels != nil }

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
