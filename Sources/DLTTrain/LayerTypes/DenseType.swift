import DLTConfig
import DLTNN

/// `dense`: a fully connected layer, PyTorch's nn.Linear (weight [out, in]).
enum DenseType: LayerType {
    static let schema = LayerSchema(type: "dense", keys: [
        LayerKey("units", .positiveInt, meaning: "outputs"),
        CommonKeys.activation, CommonKeys.useBias, CommonKeys.initializer,
    ])

    static func make(_ spec: LayerSpec) throws -> Layer {
        Dense(name: spec.name, units: spec.required(spec.int, "units"), activation: spec.engineActivation,
              useBias: spec.required(spec.bool, "use_bias"), weightInit: spec.engineInitializer)
    }
}

extension Dense: OnnxExportable {
    func emitOnnx(inputs: [String], into e: inout OnnxNodeEmitter) throws -> String {
        let out = e.node("Gemm", [inputs[0], e.parameter("weight")] + (useBias ? [e.parameter("bias")] : []), [.int("transB", 1)])
        return e.activation(activation, input: out)
    }
}
