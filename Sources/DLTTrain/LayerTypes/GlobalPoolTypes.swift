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
    static let schema = LayerSchema(type: "global_avgpool1d", summary: "mean over the sequence: `[L, D]` → `[D]`")
    static func make(_ spec: LayerSpec) throws -> Layer { GlobalAvgPool1D(name: spec.name) }
}

extension GlobalAvgPool1D: OnnxExportable {
    func emitOnnx(inputs: [String], into e: inout OnnxNodeEmitter) throws -> String {
        e.node("ReduceMean", inputs, [.ints("axes", [1]), .int("keepdims", 0)])
    }
}
