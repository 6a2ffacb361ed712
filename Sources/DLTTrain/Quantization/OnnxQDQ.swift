import DLTCore
import DLTFormats

/// Writes a quantization plan into an ONNX graph in QDQ form (opset 13): a tensor `t` becomes
/// QuantizeLinear(t, t/scale, t/zero_point) → DequantizeLinear → `t/dq`; a weight is stored as
/// int8 `<name>/quantized` and a bias as int32, each read back by a DequantizeLinear whose
/// output carries the name the layer's emitter reads. onnxruntime fuses these patterns into
/// its integer kernels (QLinearConv, QGemm, ...).
struct OnnxQDQ {
    let builder: OnnxModelBuilder
    let plan: QuantizationPlan
    let graph: Graph

    /// The name the layers read the model input under.
    func input() -> String {
        guard let q = plan.input else { return "input" }
        return quantizeDequantize("input", q)
    }

    /// The layer's output after its Q/DQ pair (a reshape's keeps the parameters of what it views).
    func wrapOutput(_ name: String, node: Int) -> String {
        guard let q = plan.activation(of: .node(node), in: graph) else { return name }
        return quantizeDequantize(name, q)
    }

    /// Adds `parameter` as int8 or int32 with its DequantizeLinear, when the plan quantizes it.
    func addParameter(_ parameter: Parameter, name: String, node: Int) -> Bool {
        if let weight = plan.weights[node].first(where: { $0.parameter === parameter }) {
            builder.addInitializer(name: name + "/quantized", shape: parameter.shape.dims, int8Values: weight.quantized)
            dequantize(name, scales: weight.channels.map(\.scale), zeroPoints: weight.channels.map { _ in 0 }, axis: weight.axis)
            return true
        }
        if let bias = plan.biases[node].first(where: { $0.parameter === parameter }) {
            builder.addInitializer(name: name + "/quantized", shape: parameter.shape.dims, int32Values: bias.quantized)
            dequantize(name, scales: bias.scales, zeroPoints: nil, axis: bias.scales.count == 1 ? nil : 0)
            return true
        }
        return false
    }

    /// DequantizeLinear(`name`/quantized) → `name`; scalar scale and zero point unless `axis`.
    private func dequantize(_ name: String, scales: [Float], zeroPoints: [Int8]?, axis: Int?) {
        let shape = axis == nil ? [] : [scales.count]
        builder.addInitializer(name: name + "/scale", shape: shape, values: scales)
        var inputs = [name + "/quantized", name + "/scale"]
        if let zeroPoints {
            builder.addInitializer(name: name + "/zero_point", shape: shape, int8Values: zeroPoints)
            inputs.append(name + "/zero_point")
        }
        builder.addNode(opType: "DequantizeLinear", inputs: inputs, outputs: [name], name: name + "/dequantize",
                        attributes: axis.map { [.int("axis", $0)] } ?? [])
    }

    private func quantizeDequantize(_ name: String, _ q: Int8Quantization) -> String {
        builder.addInitializer(name: name + "/scale", shape: [], values: [q.scale])
        builder.addInitializer(name: name + "/zero_point", shape: [], int8Values: [Int8(q.zeroPoint)])
        let parameters = [name + "/scale", name + "/zero_point"]
        builder.addNode(opType: "QuantizeLinear", inputs: [name] + parameters, outputs: [name + "/q"],
                        name: name + "/quantize", attributes: [])
        builder.addNode(opType: "DequantizeLinear", inputs: [name + "/q"] + parameters, outputs: [name + "/dq"],
                        name: name + "/dequantize", attributes: [])
        return name + "/dq"
    }
}
