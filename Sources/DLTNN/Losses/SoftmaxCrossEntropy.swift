import DLTCore
import Foundation

/// Softmax followed by negative log-likelihood, on LOGITS (PyTorch's nn.CrossEntropyLoss).
///
/// logits (N, C) or (N, C, d1, ...) with labels (N) or (N, d1, ...); the softmax runs over axis 1.
/// loss = mean over the M = N * d1 * ... positions of  logsumexp(x) - x[label],
/// computed as  m + log(sum exp(x - m)) - x[label]  with m = max(x), so logits of 1e4 stay finite.
/// dLoss/dx = (softmax(x) - onehot(label)) / M.
public final class SoftmaxCrossEntropy: Loss {
    public var name: String { "cross_entropy" }

    public init() {}

    public func compute(predictions: Tensor, target: LossTarget, gradient: Tensor?) throws -> Float {
        guard case .classes(let labels) = target else {
            throw EngineError("cross_entropy: needs integer class labels, got float targets (use mse for regression)")
        }
        let shape = predictions.shape
        guard shape.rank >= 2, shape[0] > 0, shape[1] > 0 else {
            throw EngineError("cross_entropy: predictions must be (N, classes, ...), got \(shape)")
        }
        try checkGradient(gradient, fits: predictions)
        let n = shape[0], classes = shape[1]
        let inner = shape.count / (n * classes)
        let positions = n * inner
        guard labels.count == positions else {
            throw EngineError("cross_entropy: \(labels.count) labels for \(positions) predictions of shape \(shape)")
        }
        for (index, label) in labels.enumerated() where label < 0 || Int(label) >= classes {
            let where_ = inner == 1 ? "sample \(index)" : "sample \(index / inner), position \(index % inner)"
            throw EngineError("cross_entropy: label \(label) at \(where_) is outside the model's \(classes) outputs")
        }
        let x = UnsafePointer(predictions.pointer)
        let g = gradient?.pointer
        let scale = 1 / Float(positions)
        var total: Double = 0
        for sample in 0..<n {
            let base = sample * classes * inner
            for p in 0..<inner {
                var m = -Float.infinity
                for c in 0..<classes { m = max(m, x[base + c * inner + p]) }
                var sum: Float = 0
                for c in 0..<classes { sum += exp(x[base + c * inner + p] - m) }
                let logSum = m + log(sum)
                let label = Int(labels[sample * inner + p])
                total += Double(logSum - x[base + label * inner + p])
                if let g {
                    let inv = scale / sum
                    for c in 0..<classes {
                        let i = base + c * inner + p
                        g[i] = exp(x[i] - m) * inv
                    }
                    g[base + label * inner + p] -= scale
                }
            }
        }
        return Float(total / Double(positions))
    }
}
