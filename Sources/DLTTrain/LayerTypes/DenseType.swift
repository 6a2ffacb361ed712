import DLTConfig
import DLTNN

/// `dense`: a fully connected layer, PyTorch's nn.Linear (weight [out, in]).
enum DenseType: LayerType {
    static let schema = LayerSchema(type: "dense", keys: [
        LayerKey("units", .positiveInt, meaning: "outputs; on a sequence `[L, F]` → `[L, units]`, per position"),
        CommonKeys.activation, CommonKeys.useBias, CommonKeys.initializer,
    ])

    static func make(_ spec: LayerSpec) throws -> Layer {
        Dense(name: spec.name, units: spec.required(spec.int, "units"), activation: spec.engineActivation,
              useBias: spec.required(spec.bool, "use_bias"), weightInit: spec.engineInitializer)
    }
}

extension Dense: OnnxExportable {
    /// A vector is one Gemm; a sequence (N, L, in) is MatMul with Wᵀ then Add (Gemm is 2-D only).
    func emitOnnx(inputs: [String], into e: inout OnnxNodeEmitter) throws -> String {
        guard sequenceLength != nil else {
            let out = e.node("Gemm", [inputs[0], e.parameter("weight")] + (useBias ? [e.parameter("bias")] : []), [.int("transB", 1)])
            return e.activation(activation, input: out)
        }
        let transposed = e.node("Transpose", [e.parameter("weight")], [.ints("perm", [1, 0])], suffix: "weight_t")
        var out = e.node("MatMul", [inputs[0], transposed], [], suffix: "matmul")
        if useBias { out = e.node("Add", [out, e.parameter("bias")], [], suffix: "bias") }
        return e.activation(activation, input: out)
    }
}
