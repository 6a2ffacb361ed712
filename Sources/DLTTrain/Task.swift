import DLTCore
import DLTData
import DLTNN

/// What the model's output means, decided by the loss: it fixes how targets are fed to the loss
/// and which metrics make sense.
public enum Task: Equatable {
    /// cross_entropy over `classes` outputs; integer labels.
    case multiClass(classes: Int)
    /// binary_cross_entropy with one output; labels 0 or 1 (or float targets in [0, 1]).
    case binary
    /// mse against float targets of the output's size.
    case regression
    /// mse against the (normalised) input itself: autoencoders.
    case reconstruction

    public var hasAccuracy: Bool {
        switch self {
        case .multiClass, .binary: return true
        case .regression, .reconstruction: return false
        }
    }

    /// Number of classes for metrics (2 for binary).
    public var classCount: Int {
        switch self {
        case .multiClass(let classes): return classes
        case .binary: return 2
        default: return 0
        }
    }

    /// Chooses the task for a loss name and the model's per-sample output and input shapes.
    /// mse reconstructs the input when the output has the input's shape (autoencoders), and
    /// otherwise regresses on float targets (or on the labels taken as numbers, as XOR does).
    static func make(loss: String, output: Shape, input: Shape) throws -> Task {
        switch loss {
        case "cross_entropy":
            guard output.rank == 1, output[0] >= 2 else {
                throw EngineError("cross_entropy needs a vector of at least 2 class scores per sample; the model outputs \(output) (use binary_cross_entropy for one output)")
            }
            return .multiClass(classes: output[0])
        case "binary_cross_entropy":
            guard output.count == 1 else {
                throw EngineError("binary_cross_entropy needs 1 output per sample (a sigmoid unit); the model outputs \(output)")
            }
            return .binary
        default:
            return output == input && output.count > 1 ? .reconstruction : .regression
        }
    }
}
