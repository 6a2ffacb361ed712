import DLTConfig
import DLTNN

/// `conv2d`: PyTorch's nn.Conv2d (weight [filters, C, kh, kw]).
enum Conv2DType: LayerType {
    static let schema = LayerSchema(type: "conv2d", keys: [
        LayerKey("filters", .positiveInt, meaning: "output channels"),
        CommonKeys.kernel, CommonKeys.stride, CommonKeys.padding,
        LayerKey("dilation", .intPair(atLeast: 1), .value(.int(1))),
        CommonKeys.activation, CommonKeys.useBias, CommonKeys.initializer,
    ])

    static func make(_ spec: LayerSpec) throws -> Layer {
        Conv2D(name: spec.name, filters: spec.required(spec.int, "filters"), kernel: spec.required(spec.intPair, "kernel"),
               stride: spec.required(spec.intPair, "stride"), padding: spec.enginePadding,
               dilation: spec.required(spec.intPair, "dilation"), activation: spec.engineActivation,
               useBias: spec.required(spec.bool, "use_bias"), weightInit: spec.engineInitializer)
    }
}

extension Conv2D: OnnxExportable {
    func emitOnnx(inputs: [String], into e: inout OnnxNodeEmitter) throws -> String {
        let g = geometry!
        let out = e.node("Conv", [inputs[0], e.parameter("weight")] + (useBias ? [e.parameter("bias")] : []), [
            .ints("kernel_shape", [kernel.0, kernel.1]), .ints("strides", [stride.0, stride.1]),
            .ints("pads", [g.padTop, g.padLeft, g.padBottom, g.padRight]),
            .ints("dilations", [dilation.0, dilation.1]),
        ])
        return e.activation(activation, input: out)
    }
}
