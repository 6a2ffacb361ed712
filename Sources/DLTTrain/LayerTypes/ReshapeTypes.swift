import DLTConfig
import DLTNN

/// `flatten`: C, H, W order, as PyTorch.
enum FlattenType: LayerType {
    static let schema = LayerSchema(type: "flatten", summary: "C, H, W order, as PyTorch")
    static func make(_ spec: LayerSpec) throws -> Layer { Flatten(name: spec.name) }
}

extension Flatten: OnnxExportable {
    func emitOnnx(inputs: [String], into e: inout OnnxNodeEmitter) throws -> String {
        e.node("Flatten", inputs, [.int("axis", 1)])
    }
}

/// `reshape`: a new per-sample shape for the same elements.
enum ReshapeType: LayerType {
    static let schema = LayerSchema(type: "reshape", keys: [
        LayerKey("shape", .shape, meaning: "per-sample shape; -1 is inferred"),
    ])
    static func make(_ spec: LayerSpec) throws -> Layer { Reshape(name: spec.name, shape: spec.required(spec.intList, "shape")) }
}

extension Reshape: OnnxExportable {
    func emitOnnx(inputs: [String], into e: inout OnnxNodeEmitter) throws -> String {
        let target = e.constant("shape", int64: [0] + shape.map(Int64.init))
        return e.node("Reshape", [inputs[0], target], [])
    }
}
