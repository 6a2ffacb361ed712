import CVectorMath
import DLTCore

/// RMSProp in torch.optim.RMSprop's form (alpha = ρ, not centered):
///
///     g ← ∇L + λθ
///     s ← ρ s + (1 − ρ) g²
///     b ← μ b + g / (√s + ε),  θ ← θ − η b     (μ > 0)
///     θ ← θ − η g / (√s + ε)                  (μ = 0)
///
/// ε defaults to 1e-7 (Keras; PyTorch's is 1e-8). Slots: "square_avg", and "momentum_buffer" when μ > 0.
public final class RMSProp: Optimizer {
    public var learningRate: Float
    public let rho: Float
    public let epsilon: Float
    public let momentum: Float
    public let weightDecay: Float
    public private(set) var stepCount = 0
    private let entries: [ParameterSlots]

    public init(parameters: [NamedParameter], learningRate: Float = 1e-3, rho: Float = 0.9,
                epsilon: Float = 1e-7, momentum: Float = 0, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.rho = rho
        self.epsilon = epsilon
        self.momentum = momentum
        self.weightDecay = weightDecay
        entries = ParameterSlots.make(parameters, slotCount: momentum != 0 ? 2 : 1)
    }

    public func step(split: ThreadSplit?) {
        stepCount += 1
        let lr = learningRate, rho = rho, eps = epsilon, mu = momentum, wd = weightDecay
        ParameterSlots.forEachStepped(entries, split: split) { entry, range in
            let theta = entry.parameter.value.pointer
            let grad = entry.parameter.gradient.pointer
            let square = entry.slots[0].pointer
            // The same formulas on 16 lanes at a time (see Adam: the vector square root comes from
            // CVectorMath), then the tail one by one.
            let vrho = SIMD16<Float>(repeating: rho), v1rho = SIMD16<Float>(repeating: 1 - rho)
            let vlr = SIMD16<Float>(repeating: lr), veps = SIMD16<Float>(repeating: eps)
            let vwd = SIMD16<Float>(repeating: wd), vmu = SIMD16<Float>(repeating: mu)
            let vectorEnd = range.upperBound - range.count % 16
            if mu == 0 {
                for i in stride(from: range.lowerBound, to: vectorEnd, by: 16) {
                    let th = load(theta, i)
                    let g = load(grad, i) + vwd * th
                    let s = vrho * load(square, i) + v1rho * g * g
                    store(s, square, i)
                    store(th - vlr * g / (dlt_sqrt16(s) + veps), theta, i)
                }
                for i in vectorEnd..<range.upperBound {
                    let g = grad[i] + wd * theta[i]
                    let s = rho * square[i] + (1 - rho) * g * g
                    square[i] = s
                    theta[i] -= lr * g / (s.squareRoot() + eps)
                }
            } else {
                let buffer = entry.slots[1].pointer
                for i in stride(from: range.lowerBound, to: vectorEnd, by: 16) {
                    let th = load(theta, i)
                    let g = load(grad, i) + vwd * th
                    let s = vrho * load(square, i) + v1rho * g * g
                    store(s, square, i)
                    let b = vmu * load(buffer, i) + g / (dlt_sqrt16(s) + veps)
                    store(b, buffer, i)
                    store(th - vlr * b, theta, i)
                }
                for i in vectorEnd..<range.upperBound {
                    let g = grad[i] + wd * theta[i]
                    let s = rho * square[i] + (1 - rho) * g * g
                    square[i] = s
                    let b = mu * buffer[i] + g / (s.squareRoot() + eps)
                    buffer[i] = b
                    theta[i] -= lr * b
                }
            }
        }
    }

    public var stateTensors: [(name: String, tensor: Tensor)] {
        ParameterSlots.stateTensors(entries, slotNames: momentum != 0 ? ["square_avg", "momentum_buffer"] : ["square_avg"])
    }

    public func restore(stepCount: Int) { self.stepCount = stepCount }
}
