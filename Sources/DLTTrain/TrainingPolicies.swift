/// The end-of-epoch rules of `train:` as plain values: each sees one number per epoch and keeps
/// only what a checkpoint must carry for a resumed run to decide the same way.

/// A metric an epoch-end rule watches, by its metrics-row key (`val_loss`, `train_accuracy`, ...).
public struct MetricMonitor: Equatable, Sendable {
    public let key: String

    public init(_ key: String) { self.key = key }

    /// Losses improve downwards; accuracy, precision, recall, f1 and auc upwards.
    public var maximizes: Bool { !key.hasSuffix("loss") }

    /// The monitored value in an epoch's row; a `val_` metric reads its `train_` twin when the
    /// epoch has no validation value (no validation data).
    public func reading(in row: [String: Double?]) -> (key: String, value: Double)? {
        if let value = row[key] ?? nil { return (key, value) }
        guard key.hasPrefix("val_") else { return nil }
        let twin = "train_" + key.dropFirst(4)
        return (row[twin] ?? nil).map { (twin, $0) }
    }

    /// Whether `value` beats `best` by more than `minDelta`; any value beats no best.
    public func improves(_ value: Double, on best: Double?, minDelta: Double = 0) -> Bool {
        guard let best else { return true }
        return maximizes ? value > best + minDelta : value < best - minDelta
    }
}

/// Which epoch `best.safetensors` holds: one whose monitored value beat every earlier one by more
/// than `minDelta` (Keras' ModelCheckpoint with save_best_only; the first value always does).
public struct BestEpochTracker: Equatable, Sendable {
    public let monitor: MetricMonitor
    public let minDelta: Double
    public private(set) var best: Double?

    public init(monitor: MetricMonitor, minDelta: Double = 0, best: Double? = nil) {
        self.monitor = monitor; self.minDelta = minDelta; self.best = best
    }

    /// Records an epoch's value; true when it is the new best.
    public mutating func observe(_ value: Double) -> Bool {
        guard monitor.improves(value, on: best, minDelta: minDelta) else { return false }
        best = value
        return true
    }
}

/// `train.early_stopping` (Keras' EarlyStopping): stop once more than `patience` epochs in a row
/// have not improved on the best. Without a patience (no early_stopping) it only counts.
public struct EarlyStopping: Equatable, Sendable {
    public let patience: Int?
    public private(set) var epochsWithoutImprovement: Int

    public init(patience: Int?, epochsWithoutImprovement: Int = 0) {
        self.patience = patience; self.epochsWithoutImprovement = epochsWithoutImprovement
    }

    /// Records whether the epoch improved on the best; true when the run should stop.
    public mutating func observe(improved: Bool) -> Bool {
        epochsWithoutImprovement = improved ? 0 : epochsWithoutImprovement + 1
        return patience.map { epochsWithoutImprovement > $0 } ?? false
    }
}

/// `train.reduce_lr_on_plateau` (Keras' ReduceLROnPlateau): when the monitored value has not
/// improved for more than `patience` epochs, the factor on the schedule's rate is multiplied by
/// `factor`, never taking the rate below `minLR` nor raising it.
public struct PlateauReducer: Equatable, Sendable {
    public let monitor: MetricMonitor
    public let factor: Double
    public let patience: Int
    public let minLR: Double
    public private(set) var best: Double?
    public private(set) var epochsWithoutImprovement: Int
    /// Multiplies the schedule's rate; starts at 1.
    public private(set) var learningRateFactor: Double

    public init(monitor: MetricMonitor, factor: Double, patience: Int, minLR: Double, best: Double? = nil,
                epochsWithoutImprovement: Int = 0, learningRateFactor: Double = 1) {
        self.monitor = monitor; self.factor = factor; self.patience = patience; self.minLR = minLR
        self.best = best; self.epochsWithoutImprovement = epochsWithoutImprovement
        self.learningRateFactor = learningRateFactor
    }

    /// Records an epoch's value; `scheduledRate` is the schedule's rate now, before the factor.
    /// True when the factor was lowered.
    public mutating func observe(_ value: Double, scheduledRate: Double) -> Bool {
        if monitor.improves(value, on: best) {
            best = value
            epochsWithoutImprovement = 0
            return false
        }
        epochsWithoutImprovement += 1
        guard epochsWithoutImprovement > patience else { return false }
        epochsWithoutImprovement = 0
        let floor = minLR / max(scheduledRate, 1e-30)
        let lowered = min(learningRateFactor, max(learningRateFactor * factor, floor))
        defer { learningRateFactor = lowered }
        return lowered < learningRateFactor
    }
}
