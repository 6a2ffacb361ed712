import DLTConfig
import DLTFormats
import DLTNN

/// The keys `lstm` and `gru` share.
private let recurrentKeys = [
    LayerKey("units", .positiveInt, meaning: "hidden size U (×2 outputs when bidirectional)"),
    LayerKey("return_sequences", .bool, .value(.bool(false)), meaning: "output every position `[L, U]`, not the last state `[U]`"),
    LayerKey("bidirectional", .bool, .value(.bool(false)), meaning: "a second direction from the end; outputs forward then backward"),
]

/// A recurrent layer from its checked keys.
private func makeRecurrent(_ spec: LayerSpec,
                           _ kind: (String, Int, Bool, Bool) -> RecurrentLayer) -> RecurrentLayer {
    kind(spec.name, spec.required(spec.int, "units"), spec.required(spec.bool, "return_sequences"),
         spec.required(spec.bool, "bidirectional"))
}

/// nn.LSTM's and nn.GRU's state-dict names for a one-layer module (`weight_ih_l0`,
/// `weight_ih_l0_reverse`): a PyTorch state dict loads with --init-from unchanged.
private let pytorchLayerZeroNames: [String: String] = Dictionary(uniqueKeysWithValues:
    ["weight_ih", "weight_hh", "bias_ih", "bias_hh"].flatMap { name in
        [(name + "_l0", name), (name + "_l0_reverse", name + "_reverse")]
    })

/// `lstm`: PyTorch's nn.LSTM (one layer, batch_first); gates i, f, g, o.
enum LSTMType: LayerType {
    static let schema = LayerSchema(type: "lstm", keys: recurrentKeys)
    static var importAliases: [String: String] { pytorchLayerZeroNames }
    static func make(_ spec: LayerSpec) throws -> Layer { makeRecurrent(spec, RecurrentLayer.lstm) }
}

/// `gru`: PyTorch's nn.GRU (one layer, batch_first); gates r, z, n.
enum GRUType: LayerType {
    static let schema = LayerSchema(type: "gru", keys: recurrentKeys)
    static var importAliases: [String: String] { pytorchLayerZeroNames }
    static func make(_ spec: LayerSpec) throws -> Layer { makeRecurrent(spec, RecurrentLayer.gru) }
}

/// ONNX's LSTM and GRU operators, time-major: (N, L, F) is transposed to (L, N, F), the weights
/// are stacked per direction in ONNX's gate order (LSTM i, o, f, c; GRU z, r, h), the biases
/// as [W_b, R_b], and a mask becomes `sequence_lens` (which assumes the padding is at the end).
extension RecurrentLayer: OnnxExportable {
    var exportsParametersByName: Bool { false }

    /// For each ONNX gate, the PyTorch gate it is.
    private var onnxGateOrder: [Int] { typeName == "lstm" ? [0, 3, 1, 2] : [1, 0, 2] }

    /// The direction parameters `offset`, `offset + 4`, … (weight_ih = 0, weight_hh = 1,
    /// bias_ih = 2, bias_hh = 3) with their gate blocks reordered, stacked over directions.
    private func stacked(_ offset: Int) -> [Float] {
        let directions = parameters.count / 4
        var values: [Float] = []
        for d in 0..<directions {
            let p = parameters[d * 4 + offset], rows = p.value.count / onnxGateOrder.count
            let all = p.value.array
            for gate in onnxGateOrder { values += all[(gate * rows)..<((gate + 1) * rows)] }
        }
        return values
    }

    func emitOnnx(inputs: [String], into e: inout OnnxNodeEmitter) throws -> String {
        let directions = parameters.count / 4, gates = onnxGateOrder.count, features = parameters[0].shape[1]
        let w = e.constant("W", shape: [directions, gates * units, features], values: stacked(0))
        let r = e.constant("R", shape: [directions, gates * units, units], values: stacked(1))
        let biases = zip(stacked(2).chunked(gates * units), stacked(3).chunked(gates * units)).flatMap { $0 + $1 }
        let b = e.constant("B", shape: [directions, 2 * gates * units], values: biases)
        let timeMajor = e.node("Transpose", [inputs[0]], [.ints("perm", [1, 0, 2])], suffix: "time_major")
        var attributes: [OnnxAttribute] = [.int("hidden_size", units),
                                           .string("direction", bidirectional ? "bidirectional" : "forward")]
        if typeName == "gru" { attributes.append(.int("linear_before_reset", 1)) }
        let lengths = isMasked ? e.sequenceLengths(length: sequenceLength) : ""
        let outs = e.node(typeName.uppercased(), [timeMajor, w, r, b, lengths], outputs: ["Y", "Y_h"], attributes)
        let width = directions * units
        if returnSequences {
            // Y (L, D, N, U) -> (N, L, D, U) -> (N, L, D·U)
            let batchMajor = e.node("Transpose", [outs[0]], [.ints("perm", [2, 0, 1, 3])], suffix: "batch_major")
            let shape = e.constant("shape", int64: [0, 0, Int64(width)])
            return e.node("Reshape", [batchMajor, shape], [], suffix: "output")
        }
        // Y_h (D, N, U) -> (N, D, U) -> (N, D·U)
        let batchMajor = e.node("Transpose", [outs[1]], [.ints("perm", [1, 0, 2])], suffix: "batch_major")
        let shape = e.constant("shape", int64: [0, Int64(width)])
        return e.node("Reshape", [batchMajor, shape], [], suffix: "output")
    }
}

private extension Array {
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
