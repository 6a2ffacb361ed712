import CVectorMath
import DLTCore
import Foundation

/// Adam (Kingma & Ba) in torch.optim.Adam's form, with bias corrections:
///
///     g ← ∇L + λθ                       (L2 weight decay, PyTorch Adam; AdamW decouples it)
///     m ← β1 m + (1 − β1) g
///     v ← β2 v + (1 − β2) g²
///     θ ← θ − η/(1 − β1^t) · m / (√v / √(1 − β2^t) + ε)
///
/// ε defaults to 1e-7 (Keras' default; PyTorch's is 1e-8). Slots: "exp_avg", "exp_avg_sq".
public class Adam: Optimizer {
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let weightDecay: Float
    /// True in AdamW: θ ← θ(1 − ηλ) before the Adam step instead of adding λθ to the gradient.
    public let decouplesWeightDecay: Bool
    public private(set) var stepCount = 0
    private let entries: [ParameterSlots]

    public convenience init(parameters: [NamedParameter], learningRate: Float = 1e-3, beta1: Float = 0.9,
                            beta2: Float = 0.999, epsilon: Float = 1e-7, weightDecay: Float = 0) {
        self.init(parameters: parameters, learningRate: learningRate, beta1: beta1, beta2: beta2,
                  epsilon: epsilon, weightDecay: weightDecay, decouplesWeightDecay: false)
    }

    init(parameters: [NamedParameter], learningRate: Float, beta1: Float, beta2: Float,
         epsilon: Float, weightDecay: Float, decouplesWeightDecay: Bool) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decouplesWeightDecay = decouplesWeightDecay
        entries = ParameterSlots.make(parameters, slotCount: 2)
    }

    public func step(split: ThreadSplit?) {
        stepCount += 1
        // Bias corrections in Double: β2^t for t in the thousands loses digits in Float.
        let t = Double(stepCount)
        let correction1 = 1 - pow(Double(beta1), t)
        let correction2Root = (1 - pow(Double(beta2), t)).squareRoot()
        let stepSize = Float(Double(learningRate) / correction1)
        let invCorrection2Root = Float(1 / correction2Root)
        let b1 = beta1, b2 = beta2, eps = epsilon
        let l2: Float = decouplesWeightDecay ? 0 : weightDecay
        let decay: Float = decouplesWeightDecay ? 1 - learningRate * weightDecay : 1
        ParameterSlots.forEachStepped(entries, split: split) { entry, range in
            let theta = entry.parameter.value.pointer
            let grad = entry.parameter.gradient.pointer
            let m = entry.slots[0].pointer, v = entry.slots[1].pointer
            // The same formula on 16 lanes at a time (the scalar loop is not vectorised: the
            // compiler cannot rule out aliasing between the four buffers), then the tail.
            var i = range.lowerBound
            let vb1 = SIMD16<Float>(repeating: b1), vb2 = SIMD16<Float>(repeating: b2)
            let v1b1 = SIMD16<Float>(repeating: 1 - b1), v1b2 = SIMD16<Float>(repeating: 1 - b2)
            let vl2 = SIMD16<Float>(repeating: l2), vdecay = SIMD16<Float>(repeating: decay)
            let vstep = SIMD16<Float>(repeating: stepSize), vinv = SIMD16<Float>(repeating: invCorrection2Root)
            let veps = SIMD16<Float>(repeating: eps)
            while i + 16 <= range.upperBound {
                let th = load(theta, i)
                let g = load(grad, i) + vl2 * th
                let mi = vb1 * load(m, i) + v1b1 * g
                let vi = vb2 * load(v, i) + v1b2 * g * g
                store(mi, m, i)
                store(vi, v, i)
                store(th * vdecay - vstep * mi / (dlt_sqrt16(vi) * vinv + veps), theta, i)
                i += 16
            }
            for i in i..<range.upperBound {
                let g = grad[i] + l2 * theta[i]
                let mi = b1 * m[i] + (1 - b1) * g
                let vi = b2 * v[i] + (1 - b2) * g * g
                m[i] = mi
                v[i] = vi
                theta[i] = theta[i] * decay - stepSize * mi / (vi.squareRoot() * invCorrection2Root + eps)
            }
        }
    }

    public var stateTensors: [(name: String, tensor: Tensor)] {
        ParameterSlots.stateTensors(entries, slotNames: ["exp_avg", "exp_avg_sq"])
    }

    public func restore(stepCount: Int) { self.stepCount = stepCount }
}
