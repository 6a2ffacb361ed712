import DLTCore

/// Scales all gradients together so that their global L2 norm is at most `maxNorm`
/// (torch.nn.utils.clip_grad_norm_): norm = √(Σ g²) over every trainable, non-frozen parameter;
/// when maxNorm / (norm + 1e-6) < 1 every such gradient is multiplied by it.
/// Returns the norm before clipping (summed in Double), for logging. Frozen parameters neither
/// count towards the norm nor are scaled: they are not stepped.
@discardableResult
public func clipGradientsByGlobalNorm(_ parameters: [NamedParameter], maxNorm: Float) -> Float {
    var sumOfSquares: Double = 0
    for named in parameters where named.parameter.isTrainable && !named.parameter.isFrozen {
        let g = named.parameter.gradient.pointer
        var partial: Float = 0
        for i in 0..<named.parameter.gradient.count { partial += g[i] * g[i] }
        sumOfSquares += Double(partial)
    }
    let norm = sumOfSquares.squareRoot()
    let coefficient = Double(maxNorm) / (norm + 1e-6)
    if coefficient < 1 {
        let scale = Float(coefficient)
        for named in parameters where named.parameter.isTrainable && !named.parameter.isFrozen {
            let g = named.parameter.gradient.pointer
            for i in 0..<named.parameter.gradient.count { g[i] *= scale }
        }
    }
    return Float(norm)
}
