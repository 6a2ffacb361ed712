import DLTConfig
import DLTCore
import DLTNN

/// One layer type of the config in one place: the keys it takes (the schema that the config
/// checker, its did-you-mean errors and docs/config.md read) and how a checked entry becomes an
/// engine layer. Its ONNX form is an `OnnxExportable` extension of the engine layer in the same
/// file. `LayerRegistry.types` lists every type.
protocol LayerType {
    static var schema: LayerSchema { get }
    /// The engine layer for `spec`, whose keys the schema has already checked (defaults applied).
    static func make(_ spec: LayerSpec) throws -> Layer
    /// Other names a weight file may give this type's parameters (PyTorch's `weight_ih_l0` for
    /// `weight_ih`), to dlt's name; the by-name weight loader accepts either. Default: none.
    static var importAliases: [String: String] { get }
}

extension LayerType {
    static var importAliases: [String: String] { [:] }
}

/// A problem with a checked entry that only the layer type can see (padding `same` a transposed
/// convolution cannot honour); reported at that key's place in the config.
struct LayerKeyError: Error {
    let key: String
    let message: String
}

/// Keys that several layer types share, so that each is worded once.
enum CommonKeys {
    static let activation = LayerKey("activation", .activation, .value(.string("linear")), meaning: "applied to the output")
    static let useBias = LayerKey("use_bias", .bool, .value(.bool(true)))
    static let initializer = LayerKey("init", .initializer, .value(.string("glorot_uniform")), shown: "`glorot_uniform` (Keras)",
                                      meaning: "weight init; biases start at 0")
    static let kernel = LayerKey("kernel", .intPair(atLeast: 1))
    static let stride = LayerKey("stride", .intPair(atLeast: 1), .value(.int(1)))
    static let padding = LayerKey("padding", .padding, .value(.string("valid")), shown: "`valid` (Keras)",
                                  meaning: "zero padding per side")
    /// maxpool2d's and avgpool2d's keys.
    static let pooling = [
        LayerKey("size", .intPair(atLeast: 1), .value(.int(2)), shown: "2 (Keras)", meaning: "window"),
        LayerKey("stride", .intPair(atLeast: 1), .sameAs("size")),
        LayerKey("padding", .padding, .value(.string("valid"))),
    ]
}

extension LayerSpec {
    /// A key the schema guarantees (required, or with a default): a missing one is a bug in the schema.
    func required<T>(_ read: (String) -> T?, _ key: String) -> T {
        guard let value = read(key) else { preconditionFailure("layer type '\(type)' has no value for its key '\(key)'") }
        return value
    }

    var engineActivation: Activation { Activation(activation ?? .linear) }
    var engineInitializer: Initializer { Initializer(initializer ?? .glorotUniform) }

    /// `padding:` as valid, same or explicit (height, width).
    var enginePadding: Padding {
        switch value("padding") {
        case .string("same")?: return .same
        case let value?: if let (h, w) = value.intPair { return .explicit(height: h, width: w) }
        case nil: break
        }
        return .valid
    }
}

extension Activation {
    init(_ name: ActivationName) {
        switch name {
        case .linear: self = .identity
        case .relu: self = .relu
        case .leakyRelu: self = .leakyRelu(alpha: 0.01)
        case .sigmoid: self = .sigmoid
        case .tanh: self = .tanh
        case .gelu: self = .gelu
        case .softmax: self = .softmax
        }
    }
}

extension Initializer {
    init(_ spec: InitializerSpec) {
        switch spec {
        case .glorotUniform: self = .glorotUniform
        case .glorotNormal: self = .glorotNormal
        case .heUniform: self = .heUniform
        case .heNormal: self = .heNormal
        case .normal(let std): self = .normal(std: Float(std))
        case .zeros: self = .zeros
        case .ones: self = .ones
        case .constant(let value): self = .constant(Float(value))
        }
    }
}
