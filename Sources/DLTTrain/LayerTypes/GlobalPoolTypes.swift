import DLTConfig
import DLTNN

/// `global_avgpool2d`: the mean over H and W.
enum GlobalAvgPool2DType: LayerType {
    static let schema = LayerSchema(type: "global_avgpool2d", summary: "mean over H, W: `[C, H, W]` → `[C]`")
    static func make(_ spec: LayerSpec) throws -> Layer { GlobalAvgPool2D(name: spec.name) }
}

extension GlobalAvgPool2D: OnnxExportable {
    func emitOnnx(inputs: [String], into e: inout OnnxNodeEmitter) throws -> String {
        let pooled = e.node("GlobalAveragePool", inputs, [])
        return e.node("Flatten", [pooled], [.int("axis", 1)], suffix: "flatten")
    }
}

/// `global_avgpool1d`: the mean over a sequence.
enum GlobalAvgPool1DType: LayerType {
    static let schema = LayerSchema(type: "global_avgpool1d", summary: "mean over the sequence: `[L, D]` → `[D]`; skips padding (mask_zero)")
    static func make(_ spec: LayerSpec) throws -> Layer { GlobalAvgPool1D(name: spec.name) }
}

extension GlobalAvgPool1D: OnnxExportable {
    /// ReduceMean over axis 1; under a mask, the sum over real positions divided by their
    /// count (at least 1, so that an all-padding sequence gives 0).
    func emitOnnx(inputs: [String], into e: inout OnnxNodeEmitter) throws -> String {
        guard mask != nil else { return e.node("ReduceMean", inputs, [.ints("axes", [1]), .int("keepdims", 0)]) }
        let real = e.node("Cast", [e.realPositions(length: length)], [.int("to", 1)], suffix: "mask_float")
        let axes = e.constant("reduce_axes", int64: [1])
        let masked = e.node("Mul", [inputs[0], real], [], suffix: "masked")
        let sum = e.node("ReduceSum", [masked, axes], [.int("keepdims", 0)], suffix: "sum")
        let count = e.node("ReduceSum", [real, axes], [.int("keepdims", 0)], suffix: "count")
        let divisor = e.node("Max", [count, e.floatConstant("one", 1)], [], suffix: "divisor")
        return e.node("Div", [sum, divisor], [], suffix: "masked_mean")
    }
}
