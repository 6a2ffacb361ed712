import CVectorMath
import DLTCore

/// AdaGrad in torch.optim.Adagrad's form (no learning-rate decay):
///
///     g ← ∇L + λθ
///     s ← s + g²
///     θ ← θ − η g / (√s + ε)
///
/// s starts at `initialAccumulator`: 0 as in PyTorch (Keras uses 0.1). ε defaults to 1e-7
/// (Keras; PyTorch's is 1e-10): with s starting at 0, a parameter whose gradient is still 0 then
/// moves by 0/ε = 0 instead of NaN. Slot: "sum".
public final class AdaGrad: Optimizer {
    public var learningRate: Float
    public let epsilon: Float
    public let initialAccumulator: Float
    public let weightDecay: Float
    public private(set) var stepCount = 0
    private let entries: [ParameterSlots]

    public init(parameters: [NamedParameter], learningRate: Float = 1e-2, epsilon: Float = 1e-7,
                initialAccumulator: Float = 0, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.epsilon = epsilon
        self.initialAccumulator = initialAccumulator
        self.weightDecay = weightDecay
        entries = ParameterSlots.make(parameters, slotCount: 1, initialValue: initialAccumulator)
    }

    public func step(split: ThreadSplit?) {
        stepCount += 1
        let lr = learningRate, eps = epsilon, wd = weightDecay
        ParameterSlots.forEachStepped(entries, split: split) { entry, range in
            let theta = entry.parameter.value.pointer
            let grad = entry.parameter.gradient.pointer
            let sum = entry.slots[0].pointer
            // 16 lanes at a time (the vector square root comes from CVectorMath), then the tail.
            let vlr = SIMD16<Float>(repeating: lr), veps = SIMD16<Float>(repeating: eps), vwd = SIMD16<Float>(repeating: wd)
            let vectorEnd = range.upperBound - range.count % 16
            for i in stride(from: range.lowerBound, to: vectorEnd, by: 16) {
                let th = load(theta, i)
                let g = load(grad, i) + vwd * th
                let s = load(sum, i) + g * g
                store(s, sum, i)
                store(th - vlr * g / (dlt_sqrt16(s) + veps), theta, i)
            }
            for i in vectorEnd..<range.upperBound {
                let g = grad[i] + wd * theta[i]
                let s = sum[i] + g * g
                sum[i] = s
                theta[i] -= lr * g / (s.squareRoot() + eps)
            }
        }
    }

    public var stateTensors: [(name: String, tensor: Tensor)] {
        ParameterSlots.stateTensors(entries, slotNames: ["sum"])
    }

    public func restore(stepCount: Int) { self.stepCount = stepCount }
}
