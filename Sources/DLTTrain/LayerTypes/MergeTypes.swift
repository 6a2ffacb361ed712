import DLTConfig
import DLTNN

/// `add`: the elementwise sum of its inputs.
enum AddType: LayerType {
    static let schema = LayerSchema(type: "add", arity: .merge, summary: "elementwise sum of ≥ 2 `inputs` of one shape")
    static func make(_ spec: LayerSpec) throws -> Layer { Add(name: spec.name) }
}

extension Add: OnnxExportable {
    func emitOnnx(inputs: [String], into e: inout OnnxNodeEmitter) throws -> String {
        var sum = inputs[0]
        for (k, next) in inputs.dropFirst().enumerated() {
            sum = e.node("Add", [sum, next], [], suffix: inputs.count > 2 ? "add\(k)" : nil)
        }
        return sum
    }
}

/// `concat`: inputs joined along an axis.
enum ConcatType: LayerType {
    static let schema = LayerSchema(type: "concat", keys: [
        LayerKey("axis", .axis, .value(.int(1)),
                 meaning: "axis of the batched tensor, as `torch.cat(dim=)`: 1 = channels / features (per-sample axis 0); "
                     + "negative counts from the end; 0 (the batch) is refused"),
    ], arity: .merge)

    static func make(_ spec: LayerSpec) throws -> Layer {
        Concat(name: spec.name, axis: spec.required({ spec.sampleAxis($0) }, "axis"))
    }
}

extension Concat: OnnxExportable {
    func emitOnnx(inputs: [String], into e: inout OnnxNodeEmitter) throws -> String {
        e.node("Concat", inputs, [.int("axis", axis + 1)])
    }
}
