import DLTCore
import DLTOptim

/// Magnitude pruning of some layers' weights: a 0/1 mask per weight tensor, recomputed on the
/// schedule from the weights' magnitudes (the smallest go to zero; already pruned ones, at zero,
/// stay pruned as sparsity only grows). Between updates the pruned weights, their gradients and
/// their optimizer slots are held at exactly zero. The masks are saved in checkpoints as
/// `optimizer.<layer>.weight.prune_mask`, so a resumed run holds the same ones.
final class MagnitudePruner {
    struct Target {
        let layer: String
        let weight: Parameter
        let mask: Tensor
        /// The optimizer's slots of this weight (Adam's moments, SGD's momentum, ...).
        let slots: [Tensor]
        var stateName: String { "\(layer).weight.prune_mask" }
    }

    let schedule: PolynomialDecay
    let targets: [Target]

    init(schedule: PolynomialDecay, layers: [(name: String, weight: Parameter)], optimizer: Optimizer) {
        self.schedule = schedule
        let state = optimizer.stateTensors
        targets = layers.map { layer in
            let mask = Tensor(shape: layer.weight.shape)
            mask.fill(1)
            let slotPrefix = "\(layer.name).weight."
            return Target(layer: layer.name, weight: layer.weight, mask: mask,
                          slots: state.filter { $0.name.hasPrefix(slotPrefix) && $0.tensor.count == mask.count }.map(\.tensor))
        }
    }

    /// Before the step numbered `step`: recomputes the masks when the schedule says so.
    func prepare(step: Int) {
        guard schedule.updatesMask(atStep: step) else { return }
        let sparsity = schedule.sparsity(atStep: step)
        for target in targets {
            Self.updateMask(target.mask, weights: target.weight.value, sparsity: sparsity)
            applyMask(target)
        }
    }

    /// Zeroes the gradients of pruned weights (before the optimizer step).
    func maskGradients() {
        for target in targets { Self.multiply(target.weight.gradient, by: target.mask) }
    }

    /// Holds pruned weights and their optimizer slots at zero (after the optimizer step).
    func applyMasks() { for target in targets { applyMask(target) } }

    private func applyMask(_ target: Target) {
        Self.multiply(target.weight.value, by: target.mask)
        for slot in target.slots { Self.multiply(slot, by: target.mask) }
    }

    /// Fraction of pruned weights over every target, and per layer.
    var sparsity: Double {
        let total = targets.reduce(0) { $0 + $1.mask.count }
        return total == 0 ? 0 : Double(targets.reduce(0) { $0 + Self.zeros($1.mask) }) / Double(total)
    }

    var layerSparsity: [(layer: String, sparsity: Double)] {
        targets.map { ($0.layer, Double(Self.zeros($0.mask)) / Double(max($0.mask.count, 1))) }
    }

    /// Masks keep the `round(n · (1 − sparsity))` (at least one) largest magnitudes; ties go to
    /// the earlier index, so the result depends on the weights alone.
    static func updateMask(_ mask: Tensor, weights: Tensor, sparsity: Double) {
        let n = weights.count, w = weights.pointer
        let keep = max(Int((Double(n) * (1 - sparsity)).rounded(.toNearestOrEven)), 1)
        let order = (0..<n).sorted { a, b in
            let x = abs(w[a]), y = abs(w[b])
            return x != y ? x < y : a < b
        }
        mask.fill(1)
        for i in order.prefix(n - keep) { mask.pointer[i] = 0 }
    }

    /// Sets the masked entries to +0 (a product would leave −0 or NaN).
    private static func multiply(_ tensor: Tensor, by mask: Tensor) {
        let t = tensor.pointer, m = mask.pointer
        for i in 0..<tensor.count where m[i] == 0 { t[i] = 0 }
    }

    private static func zeros(_ mask: Tensor) -> Int {
        var count = 0
        for i in 0..<mask.count where mask.pointer[i] == 0 { count += 1 }
        return count
    }
}
