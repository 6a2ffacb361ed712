import DLTCore
import Foundation

/// The learning rate as a function of the optimizer steps taken so far (0 for the first step).
public protocol LearningRateSchedule {
    func learningRate(atStep step: Int) -> Float
}

/// The shape of the decay after warmup. Epoch-based kinds read the epoch as step / stepsPerEpoch
/// and change the rate only at epoch boundaries, as PyTorch's schedulers stepped once per epoch.
public enum ScheduleKind: Equatable, Sendable {
    /// η
    case constant
    /// η γ^⌊epoch / stepSize⌋ (StepLR)
    case step(stepSize: Int, gamma: Float)
    /// η γ^(number of milestones ≤ epoch) (MultiStepLR)
    case multiStep(milestones: [Int], gamma: Float)
    /// η γ^epoch (ExponentialLR)
    case exponential(gamma: Float)
    /// min + (η − min)(1 + cos(π p))/2, p the fraction of the post-warmup steps done, per step;
    /// reaches `minLearningRate` at `totalSteps` and stays there.
    case cosine(minLearningRate: Float)
}

/// A schedule built from a config's `schedule:`: a decay kind plus an optional linear warmup.
///
/// Warmup multiplies, it does not shift: lr(step) = w(step) · decay(step) with
/// w(step) = min(1, (step + 1) / warmupSteps), so the first step runs at η / warmupSteps and
/// step warmupSteps − 1 at the full rate. Epoch-based decays keep counting epochs from the start
/// of training (a milestone at epoch 30 stays at epoch 30 whatever the warmup); cosine decays over
/// the steps after warmup, from η at step warmupSteps to minLearningRate at totalSteps
/// (HuggingFace's cosine-with-warmup).
public struct ScheduledLearningRate: LearningRateSchedule, Equatable, Sendable {
    public let baseLearningRate: Float
    public let kind: ScheduleKind
    public let stepsPerEpoch: Int
    public let totalSteps: Int
    public let warmupSteps: Int

    /// Throws an `EngineError` for sizes that make no schedule (zero steps per epoch, a step size
    /// of 0, negative warmup).
    public init(baseLearningRate: Float, kind: ScheduleKind = .constant, stepsPerEpoch: Int,
                totalSteps: Int, warmupSteps: Int = 0) throws {
        guard stepsPerEpoch > 0 else { throw EngineError("schedule: steps per epoch must be positive, got \(stepsPerEpoch)") }
        guard totalSteps >= 0 else { throw EngineError("schedule: total steps must not be negative, got \(totalSteps)") }
        guard warmupSteps >= 0 else { throw EngineError("schedule: warmup_steps must not be negative, got \(warmupSteps)") }
        switch kind {
        case .step(let stepSize, _) where stepSize <= 0:
            throw EngineError("schedule: step_size must be a positive number of epochs, got \(stepSize)")
        case .multiStep(let milestones, _) where milestones.contains { $0 < 0 }:
            throw EngineError("schedule: milestones must be epochs ≥ 0, got \(milestones)")
        default: break
        }
        self.baseLearningRate = baseLearningRate
        self.kind = kind
        self.stepsPerEpoch = stepsPerEpoch
        self.totalSteps = totalSteps
        self.warmupSteps = warmupSteps
    }

    public func learningRate(atStep step: Int) -> Float {
        let base = Double(baseLearningRate)
        let epoch = max(step, 0) / stepsPerEpoch
        var rate: Double
        switch kind {
        case .constant:
            rate = base
        case .step(let stepSize, let gamma):
            rate = base * pow(Double(gamma), Double(epoch / stepSize))
        case .multiStep(let milestones, let gamma):
            rate = base * pow(Double(gamma), Double(milestones.filter { $0 <= epoch }.count))
        case .exponential(let gamma):
            rate = base * pow(Double(gamma), Double(epoch))
        case .cosine(let minimum):
            let span = totalSteps - warmupSteps
            let progress = span > 0 ? min(max(Double(step - warmupSteps) / Double(span), 0), 1) : 1
            let low = Double(minimum)
            rate = low + (base - low) * (1 + cos(Double.pi * progress)) / 2
        }
        if warmupSteps > 0 && step < warmupSteps {
            rate *= Double(max(step, 0) + 1) / Double(warmupSteps)
        }
        return Float(rate)
    }
}
