/// `loss:` — cross_entropy (softmax cross-entropy over class indices; with a softmax last layer
/// the softmax is fused), binary_cross_entropy (one sigmoid output, labels 0/1) or mse (float
/// targets, or class indices compared as one-hot rows).
public struct LossSpec {
    public enum Name: String, ConfigName {
        case crossEntropy = "cross_entropy"
        case binaryCrossEntropy = "binary_cross_entropy"
        case mse
    }

    public let name: Name
    public let location: SourceLocation
}
