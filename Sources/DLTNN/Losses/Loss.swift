import DLTCore

/// What a batch is scored against: integer class labels (one per sample) or float values laid out
/// like the predictions.
public enum LossTarget {
    case classes(UnsafeBufferPointer<Int32>)
    case values(UnsafeBufferPointer<Float>)
}

/// A training objective. Losses that follow a softmax or sigmoid take the LOGITS: the graph moves
/// the model's final softmax/sigmoid into the loss, so that the log of a probability is never
/// formed from a rounded probability (PyTorch's CrossEntropyLoss and BCEWithLogitsLoss).
public protocol Loss: AnyObject {
    /// The config name: cross_entropy | binary_cross_entropy | mse.
    var name: String { get }

    /// predictions (N, ...): returns the batch-mean loss (PyTorch's reduction='mean'). When
    /// `gradient` is given (same shape as `predictions`) it is overwritten with
    /// dLoss/dPredictions, already divided by the number of terms in the mean.
    /// The mean runs over `samples` samples, of which `predictions` holds N: a data-parallel
    /// rank's part of the global batch gets its share of the global mean and of its gradient, so
    /// that the ranks' shares add up to what one process computes (`samples` = N alone).
    /// Throws an `EngineError` when the target does not fit the predictions.
    func compute(predictions: Tensor, target: LossTarget, gradient: Tensor?, meanOver samples: Int) throws -> Float
}

extension Loss {
    /// The batch-mean loss of `predictions` alone.
    public func compute(predictions: Tensor, target: LossTarget, gradient: Tensor?) throws -> Float {
        try compute(predictions: predictions, target: target, gradient: gradient,
                    meanOver: predictions.shape.rank >= 1 ? predictions.shape[0] : 0)
    }

    /// The element-wise losses' number of terms in the mean: each of the `samples` samples has
    /// the elements one of the N samples of `predictions` has.
    func termsInMean(_ predictions: Tensor, samples: Int) -> Int {
        predictions.count / max(predictions.shape[0], 1) * samples
    }
}

extension Loss {
    /// Checks that the predictions are (N, ...) with at least one element and that `gradient`,
    /// when given, fits them: the element-wise losses' preamble.
    func checkElementwise(_ predictions: Tensor, gradient: Tensor?) throws {
        guard predictions.shape.rank >= 1, predictions.count > 0 else {
            throw EngineError("\(name): predictions must be (N, ...), got \(predictions.shape)")
        }
        try checkGradient(gradient, fits: predictions)
    }

    /// Checks that `gradient`, when given, has the predictions' element count.
    func checkGradient(_ gradient: Tensor?, fits predictions: Tensor) throws {
        if let gradient, gradient.count != predictions.count {
            throw EngineError("\(name): gradient buffer \(gradient.shape) does not match predictions \(predictions.shape)")
        }
    }
}
