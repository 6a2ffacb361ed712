import DLTConfig
import DLTNN

/// `conv1d`: PyTorch's nn.Conv1d (weight [filters, C, k]) on a (L, C) sequence.
enum Conv1DType: LayerType {
    static let schema = LayerSchema(type: "conv1d", keys: [
        LayerKey("filters", .positiveInt, meaning: "output channels: `[L, C]` → `[L', filters]`"),
        LayerKey("kernel", .positiveInt, meaning: "window length (one number)"),
        LayerKey("stride", .positiveInt, .value(.int(1))),
        LayerKey("padding", .padding, .value(.string("valid")), shown: "`valid` (Keras)",
                 meaning: "zero padding per side: `same` (output ⌈L / stride⌉) or one number, not a pair"),
        LayerKey("dilation", .positiveInt, .value(.int(1))),
        CommonKeys.activation, CommonKeys.useBias, CommonKeys.initializer,
    ], crossCheck: onePaddingNumber)

    /// A sequence has one axis to pad: `padding: [1, 2]` is an image's (height, width).
    @Sendable static func onePaddingNumber(_ values: [String: ConfigValue]) -> (key: String, message: String)? {
        guard case .list? = values["padding"] else { return nil }
        return ("padding", "padding of a 1-D layer is valid, same or one number of positions per side, not a pair")
    }

    static func make(_ spec: LayerSpec) throws -> Layer {
        Conv1D(name: spec.name, filters: spec.required(spec.int, "filters"), kernel: spec.required(spec.int, "kernel"),
               stride: spec.required(spec.int, "stride"), padding: spec.sequencePadding,
               dilation: spec.required(spec.int, "dilation"), activation: spec.engineActivation,
               useBias: spec.required(spec.bool, "use_bias"), weightInit: spec.engineInitializer)
    }
}

extension LayerSpec {
    /// `padding:` of a 1-D layer: valid, same or a number per side.
    var sequencePadding: SequencePadding {
        switch value("padding") {
        case .string("same")?: return .same
        case .int(let p)?: return .explicit(p)
        default: return .valid
        }
    }
}

/// ONNX's Conv and MaxPool read (N, C, L): a 1-D layer's nodes sit between two Transposes.
extension OnnxNodeEmitter {
    mutating func channelsFirst(_ input: String) -> String {
        node("Transpose", [input], [.ints("perm", [0, 2, 1])], suffix: "to_channels_first")
    }

    mutating func channelsLast(_ input: String) -> String {
        node("Transpose", [input], [.ints("perm", [0, 2, 1])], suffix: "to_channels_last")
    }
}

extension Conv1D: OnnxExportable {
    func emitOnnx(inputs: [String], into e: inout OnnxNodeEmitter) throws -> String {
        let w = window!
        let conv = e.node("Conv", [e.channelsFirst(inputs[0]), e.parameter("weight")] + (useBias ? [e.parameter("bias")] : []), [
            .ints("kernel_shape", [kernel]), .ints("strides", [stride]),
            .ints("pads", [w.padLeft, w.padRight]), .ints("dilations", [dilation]),
        ], suffix: "conv")
        // The activation runs on (N, F, L'), where a softmax's axis 1 is the filters.
        return e.channelsLast(e.activation(activation, input: conv))
    }
}
