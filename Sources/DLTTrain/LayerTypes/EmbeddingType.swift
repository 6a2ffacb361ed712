import DLTConfig
import DLTNN

/// `embedding`: PyTorch's nn.Embedding (weight [vocab, dim]); reads token ids.
enum EmbeddingType: LayerType {
    static let schema = LayerSchema(type: "embedding", keys: [
        LayerKey("vocab", .positiveInt, meaning: "token ids 0..vocab−1"),
        LayerKey("dim", .positiveInt, meaning: "`[L]` → `[L, dim]`"),
        LayerKey("mask_zero", .bool, .value(.bool(false)),
                 meaning: "trailing 0 ids are padding: global pools, lstm/gru and attention leave them out (see *Sequences*)"),
    ])

    static func make(_ spec: LayerSpec) throws -> Layer {
        Embedding(name: spec.name, vocab: spec.required(spec.int, "vocab"), dim: spec.required(spec.int, "dim"),
                  maskZero: spec.required(spec.bool, "mask_zero"))
    }
}

extension Embedding: OnnxExportable {
    func emitOnnx(inputs: [String], into e: inout OnnxNodeEmitter) throws -> String {
        let ids = e.node("Cast", inputs, [.int("to", 7)], suffix: "ids")   // 7 = INT64
        return e.node("Gather", [e.parameter("weight"), ids], [.int("axis", 0)])
    }
}
