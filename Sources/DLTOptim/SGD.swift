import DLTCore

/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay,
/// as torch.optim.SGD with dampening 0:
///
///     g ← ∇L + λθ
///     b ← μ b + g              (b starts at 0, so the first step sets b = g, as PyTorch does)
///     d ← g + μ b  (Nesterov)  or  b  (momentum)  or  g  (μ = 0)
///     θ ← θ − η d
///
/// so plain SGD with decay is θ ← θ − η∇L − ηλθ. Slot: "momentum_buffer" (only when μ > 0).
public final class SGD: Optimizer {
    public var learningRate: Float
    public let momentum: Float
    public let nesterov: Bool
    public let weightDecay: Float
    public private(set) var stepCount = 0
    private let entries: [ParameterSlots]

    public init(parameters: [NamedParameter], learningRate: Float, momentum: Float = 0,
                nesterov: Bool = false, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        entries = ParameterSlots.make(parameters, slotCount: momentum != 0 ? 1 : 0)
    }

    public func step(split: ThreadSplit?) {
        stepCount += 1
        let lr = learningRate, mu = momentum, wd = weightDecay
        ParameterSlots.forEachStepped(entries, split: split) { entry, range in
            let theta = entry.parameter.value.pointer
            let grad = entry.parameter.gradient.pointer
            if mu == 0 {
                for i in range { theta[i] -= lr * (grad[i] + wd * theta[i]) }
                return
            }
            let buffer = entry.slots[0].pointer
            if nesterov {
                for i in range {
                    let g = grad[i] + wd * theta[i]
                    let b = mu * buffer[i] + g
                    buffer[i] = b
                    theta[i] -= lr * (g + mu * b)
                }
            } else {
                for i in range {
                    let b = mu * buffer[i] + grad[i] + wd * theta[i]
                    buffer[i] = b
                    theta[i] -= lr * b
                }
            }
        }
    }

    public var stateTensors: [(name: String, tensor: Tensor)] {
        ParameterSlots.stateTensors(entries, slotNames: ["momentum_buffer"])
    }

    public func restore(stepCount: Int) { self.stepCount = stepCount }
}
