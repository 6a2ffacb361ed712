import DLTCore
import Foundation

/// Softmax followed by negative log-likelihood, on LOGITS (PyTorch's nn.CrossEntropyLoss).
///
/// logits (N, C) with labels (N): loss = mean over the N samples of  logsumexp(x) - x[label],
/// computed as  m + log(sum exp(x - m)) - x[label]  with m = max(x), so logits of 1e4 stay finite.
/// dLoss/dx = (softmax(x) - onehot(label)) / N (N: the samples the mean runs over).
public final class SoftmaxCrossEntropy: Loss {
    public var name: String { "cross_entropy" }

    public init() {}

    public func compute(predictions: Tensor, target: LossTarget, gradient: Tensor?, meanOver samples: Int) throws -> Float {
        guard case .classes(let labels) = target else {
            throw EngineError("cross_entropy: needs integer class labels, got float targets (use mse for regression)")
        }
        let shape = predictions.shape
        guard shape.rank == 2, shape[0] > 0, shape[1] > 0 else {
            throw EngineError("cross_entropy: predictions must be (N, classes), got \(shape)")
        }
        try checkGradient(gradient, fits: predictions)
        let n = shape[0], classes = shape[1]
        guard labels.count == n else {
            throw EngineError("cross_entropy: \(labels.count) labels for \(n) predictions of shape \(shape)")
        }
        for (sample, label) in labels.enumerated() where label < 0 || Int(label) >= classes {
            throw EngineError("cross_entropy: label \(label) at sample \(sample) is outside the model's \(classes) outputs")
        }
        let g = gradient?.pointer
        let scale = 1 / Float(samples)
        var total: Double = 0
        for sample in 0..<n {
            let x = UnsafePointer(predictions.pointer) + sample * classes
            var m = -Float.infinity
            for c in 0..<classes { m = max(m, x[c]) }
            var sum: Float = 0
            for c in 0..<classes { sum += exp(x[c] - m) }
            let label = Int(labels[sample])
            total += Double(m + log(sum) - x[label])
            if let g {
                let row = g + sample * classes
                let inv = scale / sum
                for c in 0..<classes { row[c] = exp(x[c] - m) * inv }
                row[label] -= scale
            }
        }
        return Float(total / Double(samples))
    }
}
