import DLTConfig
import DLTNN

/// `batchnorm`: PyTorch's nn.BatchNorm1d/2d over features or channels.
enum BatchNormType: LayerType {
    static let schema = LayerSchema(type: "batchnorm", keys: [
        LayerKey("momentum", .number(allowed: "in [0, 1]", check: { $0 >= 0 && $0 <= 1 }), .value(.double(0.1)),
                 meaning: "PyTorch convention: running = (1 − m)·running + m·batch (Keras' 0.99 is m = 0.01)"),
        LayerKey("epsilon", .number(allowed: "> 0", check: { $0 > 0 }), .value(.double(1e-5)), shown: "1e-5 (PyTorch)"),
    ])

    static func make(_ spec: LayerSpec) throws -> Layer {
        BatchNorm(name: spec.name, momentum: Float(spec.required(spec.double, "momentum")),
                  epsilon: Float(spec.required(spec.double, "epsilon")))
    }
}

extension BatchNorm: OnnxExportable {
    func emitOnnx(inputs: [String], into e: inout OnnxNodeEmitter) throws -> String {
        e.node("BatchNormalization", [inputs[0], e.parameter("weight"), e.parameter("bias"),
                                      e.parameter("running_mean"), e.parameter("running_var")],
               [.float("epsilon", epsilon)])
    }
}
