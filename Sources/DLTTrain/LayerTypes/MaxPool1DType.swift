import DLTConfig
import DLTNN

/// `maxpool1d`: PyTorch's nn.MaxPool1d (no padding, floor output length) on a (L, C) sequence.
enum MaxPool1DType: LayerType {
    static let schema = LayerSchema(type: "maxpool1d", keys: [
        LayerKey("size", .positiveInt, .value(.int(2)), shown: "2 (Keras)", meaning: "window: `[L, C]` → `[L', C]`"),
        LayerKey("stride", .positiveInt, .sameAs("size")),
    ])

    static func make(_ spec: LayerSpec) throws -> Layer {
        MaxPool1D(name: spec.name, size: spec.required(spec.int, "size"), stride: spec.required(spec.int, "stride"))
    }
}

extension MaxPool1D: OnnxExportable {
    func emitOnnx(inputs: [String], into e: inout OnnxNodeEmitter) throws -> String {
        let pooled = e.node("MaxPool", [e.channelsFirst(inputs[0])], [.ints("kernel_shape", [size]), .ints("strides", [stride])],
                            suffix: "maxpool")
        return e.channelsLast(pooled)
    }
}
