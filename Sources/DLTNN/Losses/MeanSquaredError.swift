import DLTCore

/// Mean squared error over all elements (PyTorch's nn.MSELoss, reduction='mean').
///
/// predictions p (N, ...) and targets t with the same element count: loss = sum (p - t)^2 / M,
/// dLoss/dp = 2 (p - t) / M, M the element count.
/// Integer labels are accepted for a (N, C) classifier with C > 1 and compared as one-hot rows
/// (Keras users train `mse` on one-hot targets); with one output per label they are taken as values.
public final class MeanSquaredError: Loss {
    public var name: String { "mse" }

    public init() {}

    public func compute(predictions: Tensor, target: LossTarget, gradient: Tensor?, meanOver samples: Int) throws -> Float {
        let count = predictions.count
        try checkElementwise(predictions, gradient: gradient)
        let p = UnsafePointer(predictions.pointer)
        let g = gradient?.pointer
        let terms = termsInMean(predictions, samples: samples)
        let scale = 2 / Float(terms)
        var total: Double = 0
        switch target {
        case .values(let t):
            guard t.count == count else {
                throw EngineError("mse: \(t.count) target values for \(count) model outputs of shape \(predictions.shape)")
            }
            for i in 0..<count {
                let d = p[i] - t[i]
                total += Double(d * d)
                if let g { g[i] = d * scale }
            }
        case .classes(let labels):
            if labels.count == count {
                for i in 0..<count {
                    let d = p[i] - Float(labels[i])
                    total += Double(d * d)
                    if let g { g[i] = d * scale }
                }
            } else {
                let n = predictions.shape[0], classes = count / n
                guard predictions.shape.rank == 2, labels.count == n else {
                    throw EngineError("mse: \(labels.count) labels for \(count) model outputs of shape \(predictions.shape)")
                }
                for sample in 0..<n {
                    let label = Int(labels[sample])
                    guard label >= 0 && label < classes else {
                        throw EngineError("mse: label \(label) at sample \(sample) is outside the model's \(classes) outputs")
                    }
                    for c in 0..<classes {
                        let i = sample * classes + c
                        let d = p[i] - (c == label ? 1 : 0)
                        total += Double(d * d)
                        if let g { g[i] = d * scale }
                    }
                }
            }
        }
        return Float(total / Double(terms))
    }
}
