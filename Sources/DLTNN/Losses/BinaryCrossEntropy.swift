import DLTCore
import Foundation

/// Sigmoid followed by binary cross-entropy, on LOGITS (PyTorch's nn.BCEWithLogitsLoss).
///
/// logits x (N, ...) with targets t in [0, 1] of the same element count: float values, or 0/1
/// integer labels. Per element  max(x, 0) - x t + log(1 + exp(-|x|)), which never takes the log
/// of a rounded probability; the loss is the mean over all M elements.
/// dLoss/dx = (sigmoid(x) - t) / M.
public final class BinaryCrossEntropy: Loss {
    public var name: String { "binary_cross_entropy" }

    public init() {}

    public func compute(predictions: Tensor, target: LossTarget, gradient: Tensor?, meanOver samples: Int) throws -> Float {
        let count = predictions.count
        try checkElementwise(predictions, gradient: gradient)
        let x = UnsafePointer(predictions.pointer)
        let g = gradient?.pointer
        let terms = termsInMean(predictions, samples: samples)
        let scale = 1 / Float(terms)
        var total: Double = 0
        func term(_ i: Int, _ t: Float) {
            let v = x[i]
            total += Double(max(v, 0) - v * t + log1p(exp(-abs(v))))
            if let g { g[i] = (Activation.sigmoid(v) - t) * scale }
        }
        switch target {
        case .classes(let labels):
            guard labels.count == count else {
                throw EngineError("binary_cross_entropy: \(labels.count) labels for \(count) model outputs of shape \(predictions.shape)")
            }
            for (i, label) in labels.enumerated() where label != 0 && label != 1 {
                throw EngineError("binary_cross_entropy: label \(label) at sample \(i / max(count / predictions.shape[0], 1)) is not 0 or 1")
            }
            for i in 0..<count { term(i, Float(labels[i])) }
        case .values(let targets):
            guard targets.count == count else {
                throw EngineError("binary_cross_entropy: \(targets.count) targets for \(count) model outputs of shape \(predictions.shape)")
            }
            for (i, t) in targets.enumerated() where !(t >= 0 && t <= 1) {
                throw EngineError("binary_cross_entropy: target \(t) at element \(i) is outside [0, 1]")
            }
            for i in 0..<count { term(i, targets[i]) }
        }
        return Float(total / Double(terms))
    }
}
