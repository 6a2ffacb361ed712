import DLTCore
import DLTNN

/// `dlt summary`: Keras' model.summary() with forward FLOPs.
public enum ModelSummary {
    public static func render(_ graph: Graph, modelName: String) -> String {
        var rows: [[String]] = [["Layer (type)", "Output shape", "Param #", "FLOPs", "Inputs"]]
        let names = graph.nodes.map(\.layer.name)
        for node in graph.nodes {
            let layer = node.layer
            let inputs = node.inputs.map { source -> String in
                if case .node(let k) = source { return names[k] }
                return "input"
            }.joined(separator: ", ")
            rows.append(["\(layer.name) (\(layer.typeName))", node.outputShape.description,
                         grouped(layer.parameterCount + layer.stateCount), grouped(layer.flopsPerSample), inputs])
        }
        let widths = (0..<rows[0].count).map { c in rows.map { $0[c].count }.max()! }
        func line(_ row: [String]) -> String {
            row.enumerated().map { c, cell in
                c == 2 || c == 3 ? String(repeating: " ", count: widths[c] - cell.count) + cell
                                 : cell + String(repeating: " ", count: widths[c] - cell.count)
            }.joined(separator: "   ").trimmingTrailingSpaces()
        }
        let rule = String(repeating: "─", count: widths.reduce(0, +) + 3 * (widths.count - 1))
        var out = "Model: \"\(modelName)\"   input \(graph.inputShape)\n\(rule)\n\(line(rows[0]))\n\(rule)\n"
        for row in rows.dropFirst() { out += line(row) + "\n" }
        let trainable = graph.layers.reduce(0) { $0 + $1.parameterCount }
        let state = graph.layers.reduce(0) { $0 + $1.stateCount }
        let flops = graph.layers.reduce(0) { $0 + $1.flopsPerSample }
        out += rule + "\n"
        out += "Total params: \(grouped(trainable + state))\n"
        out += "Trainable params: \(grouped(trainable))\n"
        out += "Non-trainable params: \(grouped(state))\n"
        out += "Forward FLOPs per sample: \(grouped(flops)) (training step ≈ 3x)\n"
        return out
    }

    /// 121930 -> "121,930".
    public static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(ch)
        }
        return value < 0 ? "-" + out : out
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
