import DLTConfig
import DLTNN

/// `conv_transpose2d`: PyTorch's nn.ConvTranspose2d (weight [C, filters, kh, kw]).
enum ConvTranspose2DType: LayerType {
    static let schema = LayerSchema(type: "conv_transpose2d", keys: [
        LayerKey("filters", .positiveInt, meaning: "output channels"),
        CommonKeys.kernel, CommonKeys.stride,
        LayerKey("padding", .padding, .value(.string("valid")), shown: "`valid` (= 0)",
                 meaning: "PyTorch's padding; `same` gives output = input · stride"),
        LayerKey("output_padding", .intPair(atLeast: 0), .value(.int(0)), meaning: "must be < stride (PyTorch's rule)"),
        CommonKeys.activation, CommonKeys.useBias, CommonKeys.initializer,
    ], crossCheck: outputPaddingBelowStride)

    /// PyTorch's rule for transposed convolutions: output_padding < stride in each direction.
    @Sendable static func outputPaddingBelowStride(_ values: [String: ConfigValue]) -> (key: String, message: String)? {
        guard let outputPadding = values["output_padding"]?.intPair, let stride = values["stride"]?.intPair,
              outputPadding.0 >= stride.0 || outputPadding.1 >= stride.1 else { return nil }
        return ("output_padding", "output_padding must be smaller than stride (\(stride.0), \(stride.1)) in each direction")
    }

    static func make(_ spec: LayerSpec) throws -> Layer {
        let kernel = spec.required(spec.intPair, "kernel"), stride = spec.required(spec.intPair, "stride")
        return ConvTranspose2D(name: spec.name, filters: spec.required(spec.int, "filters"), kernel: kernel, stride: stride,
                               padding: try padding(spec.enginePadding, kernel: kernel, stride: stride),
                               outputPadding: spec.required(spec.intPair, "output_padding"),
                               activation: spec.engineActivation, useBias: spec.required(spec.bool, "use_bias"),
                               weightInit: spec.engineInitializer)
    }

    /// Keras' "same" for a transposed conv gives output = input * stride; with PyTorch's formula
    /// that needs (k - stride) / 2 per side, so k - stride must be even and ≥ 0.
    static func padding(_ padding: Padding, kernel k: (Int, Int), stride: (Int, Int)) throws -> (Int, Int) {
        switch padding {
        case .valid: return (0, 0)
        case .explicit(let h, let w): return (h, w)
        case .same:
            guard (k.0 - stride.0) % 2 == 0, (k.1 - stride.1) % 2 == 0, k.0 >= stride.0, k.1 >= stride.1 else {
                throw LayerKeyError(key: "padding", message: "padding 'same' needs kernel - stride even and >= 0; give padding as a number")
            }
            return ((k.0 - stride.0) / 2, (k.1 - stride.1) / 2)
        }
    }
}

extension ConvTranspose2D: OnnxExportable {
    /// Weight [C, filters, kh, kw]: the filters are axis 1.
    var weightOutputAxis: Int { 1 }

    func emitOnnx(inputs: [String], into e: inout OnnxNodeEmitter) throws -> String {
        let out = e.node("ConvTranspose", [inputs[0], e.parameter("weight")] + (useBias ? [e.parameter("bias")] : []), [
            .ints("kernel_shape", [kernel.0, kernel.1]), .ints("strides", [stride.0, stride.1]),
            .ints("pads", [padding.0, padding.1, padding.0, padding.1]),
            .ints("output_padding", [outputPadding.0, outputPadding.1]),
        ])
        return e.activation(activation, input: out)
    }
}
