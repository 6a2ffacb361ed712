import DLTConfig
import DLTNN

/// `dropout`: zeroes a fraction of units while training (inverted dropout, as PyTorch).
enum DropoutType: LayerType {
    static let schema = LayerSchema(type: "dropout", keys: [
        LayerKey("rate", .number(allowed: "in [0, 1)", check: { $0 >= 0 && $0 < 1 }), .value(.double(0.5)),
                 shown: "0.5 (PyTorch)", meaning: "fraction of units zeroed while training"),
    ])

    static func make(_ spec: LayerSpec) throws -> Layer { Dropout(name: spec.name, rate: Float(spec.required(spec.double, "rate"))) }
}

extension Dropout: OnnxExportable {
    /// Inference only: dropout is the identity.
    func emitOnnx(inputs: [String], into e: inout OnnxNodeEmitter) throws -> String {
        e.node("Identity", inputs, [])
    }
}
