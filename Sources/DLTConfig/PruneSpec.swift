import Yams

/// `train.prune:` — magnitude pruning on TensorFlow Model Optimization's PolynomialDecay
/// schedule: from `begin_step` to `end_step`, every `frequency` steps, the smallest-magnitude
/// weights of each pruned layer are zeroed up to
/// sparsity(step) = final + (initial − final) · (1 − (step − begin) / (end − begin))^power.
public struct PruneSpec {
    public let initialSparsity: Double
    public let finalSparsity: Double
    public let beginStep: Int
    public let endStep: Int
    public let frequency: Int
    public let power: Double
    /// The layers whose weights are pruned; nil: every dense and conv layer.
    public let layers: [String]?
    public let location: SourceLocation

    static let keys = ["initial_sparsity", "final_sparsity", "begin_step", "end_step", "frequency", "power", "layers"]
}

extension TrainParser {
    func prune(_ node: Node) throws -> PruneSpec {
        let options = try MappingReader(node, section: "train.prune", reader: reader)
        try options.checkKeys(allowed: PruneSpec.keys)
        let sparsity: (Double) -> Bool = { $0 >= 0 && $0 < 1 }
        let final = try options.double("final_sparsity", "in [0, 1)", sparsity)
        guard let final else { throw reader.error(node, "train.prune: final_sparsity is missing (e.g. final_sparsity: 0.8)") }
        let begin = try options.int("begin_step", atLeast: 0) ?? 0
        guard let endNode = try options.value("end_step") else {
            throw reader.error(node, "train.prune: end_step is missing (the step at which final_sparsity is reached)")
        }
        let end = try reader.int(endNode, "train.prune: end_step", atLeast: 0)
        guard end > begin else { throw reader.error(endNode, "train.prune: end_step \(end) must come after begin_step \(begin)") }
        return PruneSpec(
            initialSparsity: try options.double("initial_sparsity", "in [0, 1)", sparsity) ?? 0,
            finalSparsity: final, beginStep: begin, endStep: end,
            frequency: try options.int("frequency", atLeast: 1) ?? 100,
            power: try options.double("power", "> 0", { $0 > 0 }) ?? 3,
            layers: try options.value("layers").map(prunedLayers),
            location: options.location!)
    }

    private func prunedLayers(_ node: Node) throws -> [String] {
        try reader.sequenceOrScalar(node, "train.prune: layers").map { item in
            let name = try reader.string(item, "train.prune: layers entries")
            guard layerNames.contains(name) else {
                throw reader.error(item, "train.prune: layers: " + ValueReader.unknownName(kind: "layer", name: name, allowed: layerNames))
            }
            return name
        }
    }
}
