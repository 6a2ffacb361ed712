import DLTConfig
import DLTNN

// The activation layers: `relu`, `leaky_relu`, `sigmoid`, `tanh`, `gelu`, `softmax`, each a
// type of its own over one engine class (`ActivationLayer`) with the activation as its setting.

/// An activation layer without keys: its schema and its activation.
protocol PlainActivationType: LayerType {
    static var activation: Activation { get }
}

extension PlainActivationType {
    static func make(_ spec: LayerSpec) throws -> Layer { ActivationLayer(name: spec.name, activation: activation) }
}

/// `relu`.
enum ReluType: PlainActivationType {
    static let schema = LayerSchema(type: "relu", summary: "max(x, 0)")
    static let activation = Activation.relu
}

/// `leaky_relu`.
enum LeakyReluType: LayerType {
    static let schema = LayerSchema(type: "leaky_relu", keys: [
        LayerKey("alpha", .number(allowed: "≥ 0", check: { $0 >= 0 }), .value(.double(0.01)),
                 shown: "0.01 (PyTorch; Keras uses 0.3)", meaning: "slope for x < 0"),
    ])
    static func make(_ spec: LayerSpec) throws -> Layer {
        ActivationLayer(name: spec.name, activation: .leakyRelu(alpha: Float(spec.required(spec.double, "alpha"))))
    }
}

/// `sigmoid`.
enum SigmoidType: PlainActivationType {
    static let schema = LayerSchema(type: "sigmoid", summary: "1 / (1 + e^−x)")
    static let activation = Activation.sigmoid
}

/// `tanh`.
enum TanhType: PlainActivationType {
    static let schema = LayerSchema(type: "tanh", summary: "elementwise tanh")
    static let activation = Activation.tanh
}

/// `gelu`.
enum GeluType: PlainActivationType {
    static let schema = LayerSchema(type: "gelu", summary: "x · Φ(x), the exact (erf) form")
    static let activation = Activation.gelu
}

/// `softmax`.
enum SoftmaxType: PlainActivationType {
    static let schema = LayerSchema(type: "softmax", summary: "over per-sample axis 0: features, or channels of an image")
    static let activation = Activation.softmax
}

extension ActivationLayer: OnnxExportable {
    func emitOnnx(inputs: [String], into e: inout OnnxNodeEmitter) throws -> String {
        e.activation(activation, input: inputs[0], alwaysNode: true)
    }
}
