import DLTConfig
import DLTNN

/// `layernorm`: PyTorch's nn.LayerNorm over the last axis (weight, bias [features]).
enum LayerNormType: LayerType {
    static let schema = LayerSchema(type: "layernorm", keys: [
        LayerKey("epsilon", .number(allowed: "> 0", check: { $0 > 0 }), .value(.double(1e-5)), shown: "1e-5 (PyTorch)",
                 meaning: "added to the variance"),
    ], summary: "over the last axis of `[F]` or `[L, F]` (nn.LayerNorm); `weight` (ones), `bias` (zeros) [F]")

    static func make(_ spec: LayerSpec) throws -> Layer {
        LayerNorm(name: spec.name, epsilon: Float(spec.required(spec.double, "epsilon")))
    }
}

extension LayerNorm: OnnxExportable {
    /// Spelled out at opset 13 (LayerNormalization is opset 17, and the export stays at 13):
    /// (x − mean) / √(mean((x − mean)²) + ε) · weight + bias, means over the last axis.
    func emitOnnx(inputs: [String], into e: inout OnnxNodeEmitter) throws -> String {
        let epsilonName = "\(e.prefix)/epsilon"
        e.builder.addInitializer(name: epsilonName, shape: [], values: [epsilon])
        let mean = e.node("ReduceMean", inputs, [.ints("axes", [-1]), .int("keepdims", 1)], suffix: "mean")
        let centred = e.node("Sub", [inputs[0], mean], [], suffix: "centred")
        let squared = e.node("Mul", [centred, centred], [], suffix: "squared")
        let variance = e.node("ReduceMean", [squared], [.ints("axes", [-1]), .int("keepdims", 1)], suffix: "variance")
        let shifted = e.node("Add", [variance, epsilonName], [], suffix: "variance_epsilon")
        let deviation = e.node("Sqrt", [shifted], [], suffix: "deviation")
        let normalised = e.node("Div", [centred, deviation], [], suffix: "normalised")
        let scaled = e.node("Mul", [normalised, e.parameter("weight")], [], suffix: "scaled")
        return e.node("Add", [scaled, e.parameter("bias")], [], suffix: "output")
    }
}
