import DLTCore
import Foundation

/// The end of an epoch (or of a run stopped inside one): validation, the metrics row with its
/// TensorBoard scalars and histograms, the console line, the `train:` policies, the checkpoints.
extension Trainer {
    func finishEpoch(progress: ProgressLine, partial: Bool) throws -> Evaluator.Result? {
        var validation: Evaluator.Result?
        // Batchnorm statistics are per rank during an epoch; rank 0's, which its checkpoint
        // saves, are the ones every rank validates with.
        parallel?.broadcast(setup.graph.namedParameters.map(\.parameter).filter { !$0.isTrainable })
        if let val = data.validation, val.count > 0 {
            if let parallel {
                validation = try parallel.evaluate(val, runner: setup.runner, normalization: data.normalization, batchSize: batchSize)
            } else {
                validation = try Evaluator.evaluate(val, runner: setup.runner, normalization: data.normalization,
                                                    batchSize: batchSize)
            }
        }
        // A partial epoch is numbered as the epoch it stopped in.
        let epochNumber = partial ? state.epoch + 1 : state.epoch
        let row = metricsRow(epoch: epochNumber, validation: validation)
        try record(row, epoch: epochNumber)
        progress.epochEnd(summaryLine(row, epoch: epochNumber, partial: partial))
        // best.safetensors is saved before the sums restart (its trainer state has always held
        // the finished epoch's sums, which a resume drops); last.safetensors after, so --resume
        // of it starts clean, except inside an epoch (--max-steps), which a resume continues.
        if !partial && applyPolicies(row, progress: progress) { try save(to: runDirectory.bestCheckpoint) }
        if !partial { state.restartEpochSums() }
        try writeLastCheckpoint(partial: partial)
        return validation
    }

    /// One row of metrics.jsonl / metrics.csv (missing values stay nil).
    private func metricsRow(epoch: Int, validation: Evaluator.Result?) -> [String: Double?] {
        let samples = Double(max(state.epochSamples, 1))
        var row: [String: Double?] = [
            "epoch": Double(epoch), "step": Double(state.step),
            "lr": Double(optimizer.learningRate),
            "train_loss": state.epochLossSum / samples,
            "train_accuracy": reportsAccuracy ? Double(state.epochCorrect) / samples : nil,
            "val_loss": validation?.loss, "val_accuracy": validation?.accuracy,
            "seconds": state.epochSeconds,
            "images_per_second": Double(state.epochSamples) / max(state.epochSeconds, 1e-9),
            "rss_mb": ResidentMemory.megabytes(),
        ]
        if let pruner { row["sparsity"] = pruner.sparsity }
        if let metrics = validation?.metrics {
            row["val_precision"] = metrics.macroPrecision
            row["val_recall"] = metrics.macroRecall
            row["val_f1"] = metrics.macroF1
            row["val_auc"] = metrics.auc
        }
        return row
    }

    /// The row into the metrics files and TensorBoard, with a histogram of every weight.
    private func record(_ row: [String: Double?], epoch: Int) throws {
        guard writesRunDirectory else { return }
        try runDirectory.append(row, epoch: epoch)
        for (name, parameter) in setup.graph.namedParameters where name.hasSuffix(".weight") {
            runDirectory.histogram(tag: name, values: parameter.value.array, epoch: epoch)
        }
        runDirectory.flushEvents()
    }

    private func summaryLine(_ row: [String: Double?], epoch: Int, partial: Bool) -> String {
        func value(_ key: String) -> Double? { row[key] ?? nil }
        var line = "epoch \(epoch)/\(epochs)\(partial ? " (stopped at step \(state.step))" : "")  loss \(fixed(value("train_loss") ?? 0, 4))"
        if let accuracy = value("train_accuracy") { line += "  accuracy \(fixed(accuracy, 4))" }
        if let loss = value("val_loss") {
            line += "  val_loss \(fixed(loss, 4))"
            if let accuracy = value("val_accuracy") { line += "  val_accuracy \(fixed(accuracy, 4))" }
        }
        return line + "  \(Int(value("images_per_second") ?? 0)) img/s  \(fixed(state.epochSeconds, 1))s"
    }

    /// Best epoch, early stopping and plateau reduction on a full epoch's row; true when it is the best.
    private func applyPolicies(_ row: [String: Double?], progress: ProgressLine) -> Bool {
        var isBest = false
        if let reading = bestEpoch.monitor.reading(in: row) {
            isBest = bestEpoch.observe(reading.value)
            if earlyStopping.observe(improved: isBest) {
                state.stoppedEarly = true
                progress.note("early stopping: \(reading.key) has not improved for \(state.epochsWithoutImprovement) epochs")
            }
        }
        if let reading = plateau?.monitor.reading(in: row) {
            let scheduled = Double(schedule.learningRate(atStep: state.step))
            if plateau?.observe(reading.value, scheduledRate: scheduled) == true {
                progress.note("reduce_lr_on_plateau: learning rate now \(scheduled * state.learningRateFactor)")
            }
        }
        return isBest
    }

    /// last.safetensors every `checkpoint_every` epochs, at the end and when stopped inside an
    /// epoch, which also leaves a best checkpoint if there is none yet.
    private func writeLastCheckpoint(partial: Bool) throws {
        let config = setup.config
        let lastEpoch = state.epoch >= epochs || state.stoppedEarly
        if partial || lastEpoch || state.epoch % max(config.train.checkpointEvery, 1) == 0 {
            try save(to: runDirectory.lastCheckpoint)
        }
        if partial && !FileManager.default.fileExists(atPath: runDirectory.bestCheckpoint) {
            try save(to: runDirectory.bestCheckpoint)
        }
    }

    // The policies as values over the trainer state, which alone is saved in checkpoints (with
    // the keys it always had), so a resumed run continues every policy where it stood.

    private var bestEpoch: BestEpochTracker {
        get {
            let stopping = setup.config.train.earlyStopping
            return BestEpochTracker(monitor: MetricMonitor(setup.config.train.monitor), minDelta: stopping?.minDelta ?? 0,
                                    best: state.bestMonitored)
        }
        set { state.bestMonitored = newValue.best }
    }

    private var earlyStopping: EarlyStopping {
        get { EarlyStopping(patience: setup.config.train.earlyStopping?.patience, epochsWithoutImprovement: state.epochsWithoutImprovement) }
        set { state.epochsWithoutImprovement = newValue.epochsWithoutImprovement }
    }

    private var plateau: PlateauReducer? {
        get {
            setup.config.train.reduceLROnPlateau.map {
                PlateauReducer(monitor: MetricMonitor($0.monitor), factor: $0.factor, patience: $0.patience, minLR: $0.minLR,
                               best: state.plateauBest, epochsWithoutImprovement: state.plateauEpochs,
                               learningRateFactor: state.learningRateFactor)
            }
        }
        set {
            guard let newValue else { return }
            state.plateauBest = newValue.best
            state.plateauEpochs = newValue.epochsWithoutImprovement
            state.learningRateFactor = newValue.learningRateFactor
        }
    }
}
