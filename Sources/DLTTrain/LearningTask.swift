import DLTConfig
import DLTCore
import DLTData
import DLTNN

/// What the model's output means, decided by the loss: it fixes how targets are fed to the loss
/// and which metrics make sense.
public enum LearningTask: Equatable {
    /// cross_entropy over `classes` outputs; integer labels.
    case multiClass(classes: Int)
    /// binary_cross_entropy with one output; labels 0 or 1 (or float targets in [0, 1]).
    case binary
    /// mse against float targets of the output's size (or integer labels, compared as numbers
    /// for one output and as one-hot rows for several, so accuracy is defined when labels exist).
    case regression(outputs: Int)
    /// mse against the (normalised) input itself: autoencoders.
    case reconstruction

    public var hasAccuracy: Bool {
        switch self {
        case .multiClass, .binary, .regression: return true
        case .reconstruction: return false
        }
    }

    /// Number of classes for metrics (2 for binary).
    public var classCount: Int {
        switch self {
        case .multiClass(let classes): return classes
        case .binary: return 2
        case .regression(let outputs): return outputs == 1 ? 2 : outputs
        case .reconstruction: return 0
        }
    }

    /// Chooses the task for a loss and the model's per-sample output and input shapes.
    /// mse reconstructs the input when the output has the input's shape (autoencoders), and
    /// otherwise regresses on float targets (or on the labels taken as numbers, as XOR does).
    static func make(loss: LossSpec.Name, output: Shape, input: Shape) throws -> LearningTask {
        switch loss {
        case .crossEntropy:
            guard output.rank == 1, output[0] >= 2 else {
                throw EngineError("cross_entropy needs a vector of at least 2 class scores per sample; the model outputs \(output) (use binary_cross_entropy for one output)")
            }
            return .multiClass(classes: output[0])
        case .binaryCrossEntropy:
            guard output.count == 1 else {
                throw EngineError("binary_cross_entropy needs 1 output per sample (a sigmoid unit); the model outputs \(output)")
            }
            return .binary
        case .mse:
            return output == input && output.count > 1 ? .reconstruction : .regression(outputs: output.count)
        }
    }

    /// The class a row of raw model output stands for: argmax of the scores; for one output,
    /// 1 when the logit is positive (binary) or the value is above 0.5 (mse on 0/1 labels).
    func predictedClass(_ row: UnsafePointer<Float>, width: Int) -> Int {
        if width == 1 {
            if case .binary = self { return row[0] > 0 ? 1 : 0 }
            return row[0] > 0.5 ? 1 : 0
        }
        var best = 0
        for j in 1..<width where row[j] > row[best] { best = j }
        return best
    }

    /// The positive-class probability of a one-output model, for ROC-AUC.
    func positiveScore(_ row: UnsafePointer<Float>, width: Int) -> Float? {
        guard width == 1 else { return nil }
        if case .binary = self { return Activation.sigmoid(row[0]) }
        return row[0]
    }
}
