import DLTConfig
import DLTCore
import DLTNN

/// Turns the config's layer list into a Graph: one function per layer type, with the layer's
/// defaults next to it (Darknet's parser.c, minus its silent "Unused field"). The config has
/// already checked keys and types; here shapes are inferred and checked, and engine errors
/// are reported at the layer's place in the YAML file.
public enum GraphBuilder {
    public static func build(_ config: ModelConfig) throws -> Graph {
        let graph = Graph(inputShape: Shape(config.input))
        var indexOfName: [String: Int] = [:]
        for (position, spec) in config.layers.enumerated() {
            let inputs: [Int]
            if let names = spec.inputs {
                inputs = try names.map { name in
                    if name == LayerSpec.modelInputName && indexOfName[name] == nil { return -1 }
                    guard let index = indexOfName[name] else {
                        throw ConfigError(file: config.file, location: spec.location(of: "inputs"),
                                          message: "layer '\(spec.name)': input '\(name)' is not an earlier layer")
                    }
                    return index
                }
            } else {
                inputs = [position - 1]
            }
            do {
                let layer = try makeLayer(spec, config: config)
                indexOfName[spec.name] = try graph.append(layer, inputs: inputs)
            } catch let error as EngineError {
                throw ConfigError(file: config.file, location: spec.location, message: error.message)
            }
        }
        return graph
    }

    static func makeLayer(_ s: LayerSpec, config: ModelConfig) throws -> Layer {
        let name = s.name
        switch s.type {
        case "dense":
            return Dense(name: name, units: s.int("units") ?? 0, activation: try activation(s, config),
                         useBias: s.bool("use_bias") ?? true, weightInit: try initializer(s, config))
        case "conv2d":
            let k = s.intPair("kernel") ?? (3, 3)
            return Conv2D(name: name, filters: s.int("filters") ?? 0, kernel: k,
                          stride: s.intPair("stride") ?? (1, 1), padding: try padding(s, config),
                          dilation: s.intPair("dilation") ?? (1, 1), activation: try activation(s, config),
                          useBias: s.bool("use_bias") ?? true, weightInit: try initializer(s, config))
        case "conv_transpose2d":
            let k = s.intPair("kernel") ?? (3, 3)
            let stride = s.intPair("stride") ?? (1, 1)
            let pad: (Int, Int)
            switch try padding(s, config) {
            case .valid: pad = (0, 0)
            case .explicit(let h, let w): pad = (h, w)
            case .same:
                // Keras' "same" for a transposed conv gives output = input * stride; with PyTorch's
                // formula that needs (k - stride) / 2 per side when k - stride is even.
                guard (k.0 - stride.0) % 2 == 0, (k.1 - stride.1) % 2 == 0, k.0 >= stride.0, k.1 >= stride.1 else {
                    throw ConfigError(file: config.file, location: s.location(of: "padding"),
                                      message: "layer '\(name)': padding 'same' needs kernel - stride even and >= 0; give padding as a number")
                }
                pad = ((k.0 - stride.0) / 2, (k.1 - stride.1) / 2)
            }
            return ConvTranspose2D(name: name, filters: s.int("filters") ?? 0, kernel: k, stride: stride,
                                   padding: pad, outputPadding: s.intPair("output_padding") ?? (0, 0),
                                   activation: try activation(s, config), useBias: s.bool("use_bias") ?? true,
                                   weightInit: try initializer(s, config))
        case "maxpool2d":
            let size = s.intPair("size") ?? (2, 2)
            return MaxPool2D(name: name, size: size, stride: s.intPair("stride") ?? size, padding: try padding(s, config))
        case "avgpool2d":
            let size = s.intPair("size") ?? (2, 2)
            return AvgPool2D(name: name, size: size, stride: s.intPair("stride") ?? size, padding: try padding(s, config))
        case "global_avgpool2d": return GlobalAvgPool2D(name: name)
        case "global_avgpool1d": return GlobalAvgPool1D(name: name)
        case "flatten": return Flatten(name: name)
        case "reshape": return Reshape(name: name, shape: s.intList("shape") ?? [])
        case "batchnorm":
            return BatchNorm(name: name, momentum: Float(s.double("momentum") ?? 0.1),
                             epsilon: Float(s.double("epsilon") ?? 1e-5))
        case "dropout": return Dropout(name: name, rate: Float(s.double("rate") ?? 0.5))
        case "embedding":
            return Embedding(name: name, vocab: s.int("vocab") ?? 0, dim: s.int("dim") ?? 0)
        case "relu": return ActivationLayer(name: name, activation: .relu)
        case "leaky_relu": return ActivationLayer(name: name, activation: .leakyRelu(alpha: Float(s.double("alpha") ?? 0.01)))
        case "sigmoid": return ActivationLayer(name: name, activation: .sigmoid)
        case "tanh": return ActivationLayer(name: name, activation: .tanh)
        case "gelu": return ActivationLayer(name: name, activation: .gelu)
        case "softmax": return ActivationLayer(name: name, activation: .softmax)
        case "add": return Add(name: name)
        case "concat": return Concat(name: name, axis: s.sampleAxis() ?? 0)
        default:
            throw ConfigError(file: config.file, location: s.location, message: "unknown layer type '\(s.type)'")
        }
    }

    static func activation(_ s: LayerSpec, _ config: ModelConfig) throws -> Activation {
        switch s.string("activation") ?? "linear" {
        case "linear", "none", "identity": return .identity
        case "relu": return .relu
        case "leaky_relu": return .leakyRelu(alpha: Float(s.double("alpha") ?? 0.01))
        case "sigmoid": return .sigmoid
        case "tanh": return .tanh
        case "gelu": return .gelu
        case "softmax": return .softmax
        case let other:
            throw ConfigError(file: config.file, location: s.location(of: "activation"),
                              message: "layer '\(s.name)': unknown activation '\(other)' (allowed: \(Activation.names.joined(separator: ", ")))")
        }
    }

    static func padding(_ s: LayerSpec, _ config: ModelConfig) throws -> Padding {
        if let text = s.string("padding") {
            switch text {
            case "valid": return .valid
            case "same": return .same
            default:
                throw ConfigError(file: config.file, location: s.location(of: "padding"),
                                  message: "layer '\(s.name)': padding must be valid, same or a number, got '\(text)'")
            }
        }
        if let (h, w) = s.intPair("padding") { return .explicit(height: h, width: w) }
        return .valid
    }
}

extension GraphBuilder {
    /// `init: he_normal` or `init: {name: normal, std: 0.02}` / `{name: constant, value: 0.1}`.
    static func initializer(_ s: LayerSpec, _ config: ModelConfig) throws -> Initializer {
        guard let name = s.initName else { return .glorotUniform }
        switch name {
        case "glorot_uniform", "xavier_uniform": return .glorotUniform
        case "glorot_normal", "xavier_normal": return .glorotNormal
        case "he_uniform", "kaiming_uniform": return .heUniform
        case "he_normal", "kaiming_normal": return .heNormal
        case "normal": return .normal(std: Float(s.initStd ?? 0.05))
        case "zeros": return .zeros
        case "ones": return .ones
        case "constant": return .constant(Float(s.initValue ?? 0))
        default:
            throw ConfigError(file: config.file, location: s.location(of: "init"),
                              message: "layer '\(s.name)': unknown init '\(name)' (allowed: \(Initializer.names.joined(separator: ", ")))")
        }
    }
}
