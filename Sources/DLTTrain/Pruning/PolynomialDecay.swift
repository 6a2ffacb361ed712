import DLTConfig
import Foundation

/// TensorFlow Model Optimization's `PolynomialDecay` pruning schedule: the masks are updated at
/// steps begin, begin + frequency, ... up to end, each to
/// sparsity(step) = final + (initial − final) · (1 − (step − begin) / (end − begin))^power.
/// `step` is the number of optimizer steps taken before the one about to run.
struct PolynomialDecay: Equatable {
    let initialSparsity: Double
    let finalSparsity: Double
    let beginStep: Int
    let endStep: Int
    let frequency: Int
    let power: Double

    init(_ spec: PruneSpec) {
        self.init(initialSparsity: spec.initialSparsity, finalSparsity: spec.finalSparsity, beginStep: spec.beginStep,
                  endStep: spec.endStep, frequency: spec.frequency, power: spec.power)
    }

    init(initialSparsity: Double, finalSparsity: Double, beginStep: Int, endStep: Int, frequency: Int, power: Double) {
        self.initialSparsity = initialSparsity; self.finalSparsity = finalSparsity
        self.beginStep = beginStep; self.endStep = endStep; self.frequency = frequency; self.power = power
    }

    /// Whether the masks are recomputed before step `step`.
    func updatesMask(atStep step: Int) -> Bool {
        step >= beginStep && step <= endStep && (step - beginStep) % frequency == 0
    }

    /// The target sparsity at `step` (clamped to the schedule's range).
    func sparsity(atStep step: Int) -> Double {
        let progress = min(1, max(0, Double(step - beginStep) / Double(endStep - beginStep)))
        return finalSparsity + (initialSparsity - finalSparsity) * pow(1 - progress, power)
    }
}
