import DLTConfig
import DLTNN

/// `global_maxpool1d`: the maximum over a sequence, real positions only under a mask.
enum GlobalMaxPool1DType: LayerType {
    static let schema = LayerSchema(type: "global_maxpool1d",
                                    summary: "max over the sequence: `[L, C]` → `[C]`; skips padding (mask_zero)")
    static func make(_ spec: LayerSpec) throws -> Layer { GlobalMaxPool1D(name: spec.name) }
}

extension GlobalMaxPool1D: OnnxExportable {
    /// ReduceMax over axis 1; under a mask, padded positions are first replaced by the lowest
    /// float, and an all-padding sequence is multiplied by 0.
    func emitOnnx(inputs: [String], into e: inout OnnxNodeEmitter) throws -> String {
        guard mask != nil else { return e.node("ReduceMax", inputs, [.ints("axes", [1]), .int("keepdims", 0)]) }
        let real = e.realPositions(length: length)
        let filled = e.node("Where", [real, inputs[0], e.floatConstant("lowest", -Float.greatestFiniteMagnitude)], [],
                            suffix: "fill_padding")
        let pooled = e.node("ReduceMax", [filled], [.ints("axes", [1]), .int("keepdims", 0)], suffix: "max")
        let realFloat = e.node("Cast", [real], [.int("to", 1)], suffix: "mask_float")
        let any = e.node("ReduceMax", [realFloat], [.ints("axes", [1]), .int("keepdims", 0)], suffix: "any_real")
        return e.node("Mul", [pooled, any], [], suffix: "masked_max")
    }
}

extension OnnxNodeEmitter {
    /// The sequence mask of a masked pool as ONNX computes it from the model input's token ids,
    /// as `Embedding` marks padding (the zeros after a sample's last non-zero id): position
    /// t < the sample's `sequenceLengths`; bool (N, L, 1), to broadcast over channels.
    mutating func realPositions(length: Int) -> String {
        let lengths = node("Cast", [sequenceLengths(length: length)], [.int("to", 1)], suffix: "mask_lengths")
        let column = node("Unsqueeze", [lengths, constant("mask_length_axes", int64: [1])], [], suffix: "mask_lengths_column")
        let positions = constant("mask_positions", shape: [length], values: (0..<length).map(Float.init))
        let real = node("Less", [positions, column], [], suffix: "mask_real")
        return node("Unsqueeze", [real, constant("mask_axes", int64: [2])], [], suffix: "mask")
    }

    /// A float scalar initialiser; returns its name.
    func floatConstant(_ name: String, _ value: Float) -> String { constant(name, shape: [], values: [value]) }
}
