import DLTConfig
import DLTNN

/// `avgpool2d`: PyTorch's nn.AvgPool2d (padding counts in the mean, except for `same`, as Keras).
enum AvgPool2DType: LayerType {
    static let schema = LayerSchema(type: "avgpool2d", keys: CommonKeys.pooling)

    static func make(_ spec: LayerSpec) throws -> Layer {
        AvgPool2D(name: spec.name, size: spec.required(spec.intPair, "size"), stride: spec.required(spec.intPair, "stride"),
                  padding: spec.enginePadding)
    }
}

extension AvgPool2D: OnnxExportable {
    func emitOnnx(inputs: [String], into e: inout OnnxNodeEmitter) throws -> String {
        let g = geometry!
        return e.node("AveragePool", inputs, [.ints("kernel_shape", [size.0, size.1]), .ints("strides", [stride.0, stride.1]),
                                              .ints("pads", [g.padTop, g.padLeft, g.padBottom, g.padRight]),
                                              .int("count_include_pad", countIncludesPadding ? 1 : 0)])
    }
}
