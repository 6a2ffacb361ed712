import DLTConfig
import DLTNN

/// `positional_embedding`: adds a learned [L, D] table to a sequence (GPT-2's position embedding).
enum PositionalEmbeddingType: LayerType {
    static let schema = LayerSchema(type: "positional_embedding",
                                    summary: "`[L, D]` → `[L, D]`, adds a learned table `weight` [L, D] (N(0, 0.02²), GPT-2)")
    static func make(_ spec: LayerSpec) throws -> Layer { PositionalEmbedding(name: spec.name) }
}

extension PositionalEmbedding: OnnxExportable {
    /// (N, L, D) + weight [L, D], broadcast over the batch.
    func emitOnnx(inputs: [String], into e: inout OnnxNodeEmitter) throws -> String {
        e.node("Add", [inputs[0], e.parameter("weight")], [])
    }
}
