import DLTCore

/// Records the range of every node's output over the calibration batches (min/max calibration,
/// onnxruntime's `CalibrationMethod.MinMax`).
final class RangeObserver: NodeOutputObserver {
    private(set) var low: [Float]
    private(set) var high: [Float]

    init(nodes: Int) {
        low = [Float](repeating: .infinity, count: nodes)
        high = [Float](repeating: -.infinity, count: nodes)
    }

    func observe(node: Int, output: Tensor) {
        let (lo, hi) = Self.range(output.pointer, count: output.count)
        low[node] = min(low[node], lo)
        high[node] = max(high[node], hi)
    }

    static func range(_ values: UnsafePointer<Float>, count: Int) -> (Float, Float) {
        var lo = Float.infinity, hi = -Float.infinity
        for i in 0..<count { lo = min(lo, values[i]); hi = max(hi, values[i]) }
        return (lo, hi)
    }

    /// The parameters of each node's output: nil for nodes never seen (reshapes, which are views).
    var parameters: [Int8Quantization?] {
        zip(low, high).map { lo, hi in lo <= hi ? Int8Quantization.activation(low: lo, high: hi) : nil }
    }
}

/// dlt's int8 model: every node's output goes through QuantizeLinear and DequantizeLinear with
/// its calibrated parameters, exactly where the ONNX file has its Q/DQ pair.
final class FakeQuantizer: NodeOutputObserver {
    private let nodes: [Int8Quantization?]

    init(plan: QuantizationPlan) { nodes = plan.nodes }

    func observe(node: Int, output: Tensor) {
        nodes[node]?.roundTrip(output.pointer, count: output.count)
    }
}

extension QuantizationPlan {
    /// Replaces the graph's weights by their int8 values and its biases by their int32 values,
    /// as DequantizeLinear reads them back.
    func applyToWeights() {
        for weight in weights.joined() {
            let values = weight.parameter.value.pointer
            weight.forEachChannelRun { start, count, q in q.roundTrip(values + start, count: count) }
        }
        for bias in biases.joined() {
            let values = bias.parameter.value.pointer, q = bias.quantized
            for i in 0..<q.count { values[i] = Float(q[i]) * (bias.scales.count == 1 ? bias.scales[0] : bias.scales[i]) }
        }
    }
}
