import DLTCore

/// Adam with decoupled weight decay (Loshchilov & Hutter), torch.optim.AdamW:
///
///     θ ← θ − ηλθ, then the Adam step of `Adam` on the raw gradient (no λθ in g).
///
/// Weight decay defaults to 0.01 as in PyTorch; ε to 1e-7 as in `Adam`.
public final class AdamW: Adam {
    public init(parameters: [NamedParameter], learningRate: Float = 1e-3, beta1: Float = 0.9,
                beta2: Float = 0.999, epsilon: Float = 1e-7, weightDecay: Float = 0.01) {
        super.init(parameters: parameters, learningRate: learningRate, beta1: beta1, beta2: beta2,
                   epsilon: epsilon, weightDecay: weightDecay, decouplesWeightDecay: true)
    }
}
