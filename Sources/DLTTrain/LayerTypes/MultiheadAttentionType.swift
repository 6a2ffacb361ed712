import DLTConfig
import DLTNN

/// `multihead_attention`: self-attention with PyTorch's nn.MultiheadAttention(batch_first=True)
/// parameters (`in_proj_weight` [3D, D], `in_proj_bias`, `out_proj.weight` [D, D], `out_proj.bias`).
enum MultiheadAttentionType: LayerType {
    static let schema = LayerSchema(type: "multihead_attention", keys: [
        LayerKey("heads", .positiveInt, meaning: "attention heads; must divide the model dimension D of `[L, D]`"),
        LayerKey("causal", .bool, .value(.bool(false)), meaning: "a query sees no later key"),
        LayerKey("dropout", .number(allowed: "in [0, 1)", check: { $0 >= 0 && $0 < 1 }), .value(.double(0)), shown: "0",
                 meaning: "on the attention weights, while training"),
    ], summary: "self-attention `[L, D]` → `[L, D]`; padded keys (`mask_zero`) are ignored")

    static func make(_ spec: LayerSpec) throws -> Layer {
        MultiheadAttention(name: spec.name, heads: spec.required(spec.int, "heads"),
                           causal: spec.required(spec.bool, "causal"),
                           dropout: Float(spec.required(spec.double, "dropout")))
    }
}

extension MultiheadAttention: OnnxExportable {
    /// MatMul/Add projections, Reshape/Transpose/Gather into heads [N, H, L, d], MatMul scores,
    /// Softmax over keys, MatMul with V, and back. Hidden keys (causal, padded) get −10³⁰ added
    /// before the Softmax and the weights are multiplied by the visibility after it, so a query
    /// that sees no key gets zeros, as in dlt. A padding mask is recomputed from the model
    /// input's token ids as the masked pools do (`realPositions`: the zeros after the last
    /// non-zero id; a mask_zero embedding reads the model input).
    func emitOnnx(inputs: [String], into e: inout OnnxNodeEmitter) throws -> String {
        let l = length, d = dim, h = heads
        let qkv = e.projection(inputs[0], weight: "in_proj_weight", bias: "in_proj_bias", suffix: "in_proj")
        let split = e.node("Reshape", [qkv, e.constant("qkv_shape", int64: [0, Int64(l), 3, Int64(h), Int64(d / h)])], [],
                           suffix: "split_heads")
        let heads = e.node("Transpose", [split], [.ints("perm", [2, 0, 3, 1, 4])], suffix: "heads")   // [3, N, H, L, d]
        let q = e.node("Gather", [heads, e.scalarIndex("q_index", 0)], [.int("axis", 0)], suffix: "q")
        let k = e.node("Gather", [heads, e.scalarIndex("k_index", 1)], [.int("axis", 0)], suffix: "k")
        let v = e.node("Gather", [heads, e.scalarIndex("v_index", 2)], [.int("axis", 0)], suffix: "v")
        let kt = e.node("Transpose", [k], [.ints("perm", [0, 1, 3, 2])], suffix: "k_t")
        let products = e.node("MatMul", [q, kt], [], suffix: "qk")
        var scores = e.node("Mul", [products, e.floatConstant("scale", [1 / Float(d / h).squareRoot()])], [], suffix: "scores")
        let visibility = emitVisibility(&e)
        if let visibility {
            let hidden = e.node("Sub", [visibility, e.floatConstant("one", [1])], [], suffix: "hidden")
            let bias = e.node("Mul", [hidden, e.floatConstant("large", [1e30])], [], suffix: "mask_bias")
            scores = e.node("Add", [scores, bias], [], suffix: "masked_scores")
        }
        var weights = e.node("Softmax", [scores], [.int("axis", -1)], suffix: "softmax")
        if keyMask != nil, let visibility { weights = e.node("Mul", [weights, visibility], [], suffix: "visible_weights") }
        let attended = e.node("MatMul", [weights, v], [], suffix: "attended")
        let merged = e.node("Transpose", [attended], [.ints("perm", [0, 2, 1, 3])], suffix: "merge_heads")
        let flat = e.node("Reshape", [merged, e.constant("merged_shape", int64: [0, Int64(l), Int64(d)])], [], suffix: "merged")
        return e.projection(flat, weight: "out_proj.weight", bias: "out_proj.bias", suffix: "out_proj")
    }

    /// 1 where a query may see a key, 0 elsewhere: [L, L] (causal), [N, 1, 1, L] (padding) or
    /// their product [N, 1, L, L]; nil when every key is visible.
    private func emitVisibility(_ e: inout OnnxNodeEmitter) -> String? {
        let l = length
        var causalVisibility: String?
        if causal {
            var lower = [Float](repeating: 0, count: l * l)
            for i in 0..<l { for j in 0...i { lower[i * l + j] = 1 } }
            causalVisibility = e.floatConstant("causal_visibility", lower, shape: [l, l])
        }
        guard keyMask != nil else { return causalVisibility }
        let keys = e.node("Cast", [e.realPositions(length: l)], [.int("to", 1)], suffix: "real_keys")   // 1 = FLOAT
        let keyVisibility = e.node("Reshape", [keys, e.constant("key_visibility_shape", int64: [0, 1, 1, Int64(l)])], [],
                                   suffix: "key_visibility")
        guard let causalVisibility else { return keyVisibility }
        return e.node("Mul", [keyVisibility, causalVisibility], [], suffix: "visibility")
    }
}

extension OnnxNodeEmitter {
    /// x · weightᵀ + bias for x (N, L, in) and the layer's parameters weight [out, in], bias [out].
    mutating func projection(_ x: String, weight: String, bias: String, suffix: String) -> String {
        let transposed = node("Transpose", [parameter(weight)], [.ints("perm", [1, 0])], suffix: "\(suffix)_weight_t")
        let product = node("MatMul", [x, transposed], [], suffix: "\(suffix)_matmul")
        return node("Add", [product, parameter(bias)], [], suffix: suffix)
    }

    /// A float32 initialiser `<layer>/<name>` (a scalar unless `shape` is given); returns its name.
    func floatConstant(_ name: String, _ values: [Float], shape: [Int] = []) -> String {
        builder.addInitializer(name: "\(prefix)/\(name)", shape: shape, values: values)
        return "\(prefix)/\(name)"
    }

    /// A scalar int64 initialiser `<layer>/<name>` (a Gather index that drops the axis).
    func scalarIndex(_ name: String, _ value: Int64) -> String {
        builder.addInitializer(name: "\(prefix)/\(name)", shape: [], int64Values: [value])
        return "\(prefix)/\(name)"
    }
}
