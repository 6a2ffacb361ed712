import DLTConfig
import DLTNN

/// `maxpool2d`: PyTorch's nn.MaxPool2d.
enum MaxPool2DType: LayerType {
    static let schema = LayerSchema(type: "maxpool2d", keys: CommonKeys.pooling)

    static func make(_ spec: LayerSpec) throws -> Layer {
        MaxPool2D(name: spec.name, size: spec.required(spec.intPair, "size"), stride: spec.required(spec.intPair, "stride"),
                  padding: spec.enginePadding)
    }
}

extension MaxPool2D: OnnxExportable {
    func emitOnnx(inputs: [String], into e: inout OnnxNodeEmitter) throws -> String {
        let g = geometry!
        return e.node("MaxPool", inputs, [.ints("kernel_shape", [size.0, size.1]), .ints("strides", [stride.0, stride.1]),
                                          .ints("pads", [g.padTop, g.padLeft, g.padBottom, g.padRight])])
    }
}
