import Yams

/// `train.distill:` — knowledge distillation from a trained teacher checkpoint:
/// loss = alpha · hard loss + (1 − alpha) · T² · KL(softmax(teacher / T) ‖ softmax(student / T)).
public struct DistillSpec {
    /// The teacher's checkpoint (a path, as `dlt eval` takes it).
    public let teacher: String
    public let temperature: Double
    public let alpha: Double
    public let location: SourceLocation

    static let keys = ["teacher", "temperature", "alpha"]
}

extension TrainParser {
    func distill(_ node: Node) throws -> DistillSpec {
        let options = try MappingReader(node, section: "train.distill", reader: reader)
        try options.checkKeys(allowed: DistillSpec.keys)
        guard let teacher = try options.string("teacher") else {
            throw reader.error(node, "train.distill: teacher is missing (a checkpoint such as runs/mnist_cnn/best.safetensors)")
        }
        return DistillSpec(teacher: teacher,
                           temperature: try options.double("temperature", "> 0", { $0 > 0 && $0.isFinite }) ?? 4,
                           alpha: try options.double("alpha", "in [0, 1]", { $0 >= 0 && $0 <= 1 }) ?? 0.1,
                           location: options.location!)
    }
}
