import DLTCore
import DLTNN

/// How each tensor of a graph is quantized: the model input and every node's output (int8,
/// asymmetric, from calibration), each weight (int8, symmetric, per tensor or per output
/// channel) and the bias beside it (int32 at input scale × weight scale). The ONNX emitter and
/// dlt's own simulation both read this one plan, so they round the same tensors the same way.
struct QuantizationPlan {
    /// The weights of one parameter: one entry per channel along `axis`, or one for the tensor.
    struct Weight {
        let parameter: Parameter
        let axis: Int?
        let channels: [Int8Quantization]
    }

    /// An int32 bias: one scale per channel (or one), each input scale × weight scale.
    struct Bias {
        let parameter: Parameter
        let scales: [Float]
    }

    /// nil when the model input is token ids (left as they are).
    let input: Int8Quantization?
    /// Per node: nil for reshapes, whose output keeps its input's values and so its parameters.
    let nodes: [Int8Quantization?]
    /// Per node: its quantized weights and biases (none for layers whose ONNX form rearranges them).
    let weights: [[Weight]]
    let biases: [[Bias]]

    init(graph: Graph, input: Int8Quantization?, nodes: [Int8Quantization?], perChannel: Bool) {
        self.input = input
        self.nodes = nodes
        var weights: [[Weight]] = [], biases: [[Bias]] = []
        for node in graph.nodes {
            let (w, b) = Self.parameters(of: node, perChannel: perChannel) { source in
                Self.parameters(of: source, graph: graph, input: input, nodes: nodes)
            }
            weights.append(w)
            biases.append(b)
        }
        self.weights = weights
        self.biases = biases
    }

    /// The parameters of what `source` reads, following reshapes back to the tensor they view.
    static func parameters(of source: Graph.NodeInput, graph: Graph, input: Int8Quantization?,
                           nodes: [Int8Quantization?]) -> Int8Quantization? {
        var current = source
        while case .node(let k) = current {
            if let own = nodes[k] { return own }
            current = graph.nodes[k].inputs[0]
        }
        return input
    }

    /// The tensor parameters read by node `source` (model input, or node output).
    func activation(of source: Graph.NodeInput, in graph: Graph) -> Int8Quantization? {
        Self.parameters(of: source, graph: graph, input: input, nodes: nodes)
    }

    /// Weights: trainable parameters of rank 2 or more; biases: a `bias` as long as the output
    /// channels of a quantized `weight`, in a layer with one quantized input.
    private static func parameters(of node: Graph.Node, perChannel: Bool,
                                   inputOf: (Graph.NodeInput) -> Int8Quantization?) -> ([Weight], [Bias]) {
        guard let exportable = node.layer as? OnnxExportable, exportable.exportsParametersByName else { return ([], []) }
        let axis = exportable.weightOutputAxis
        let weights = node.layer.parameters.filter { $0.isTrainable && $0.shape.rank >= 2 }.map { p in
            Weight(parameter: p, axis: perChannel ? axis : nil,
                   channels: channelMagnitudes(p.value, axis: perChannel ? axis : nil).map(Int8Quantization.weight))
        }
        guard let weight = weights.first(where: { $0.parameter.name == "weight" }),
              let bias = node.layer.parameters.first(where: { $0.name == "bias" }),
              bias.shape.rank == 1, bias.shape.count == weight.parameter.shape[axis],
              node.inputs.count == 1, let input = inputOf(node.inputs[0]) else { return (weights, []) }
        return (weights, [Bias(parameter: bias, scales: weight.channels.map { input.scale * $0.scale })])
    }

    /// max |w| of each slice along `axis` (one value for the whole tensor when nil).
    static func channelMagnitudes(_ tensor: Tensor, axis: Int?) -> [Float] {
        let dims = tensor.shape.dims
        guard let axis else { return [(0..<tensor.count).reduce(Float(0)) { max($0, abs(tensor.pointer[$1])) }] }
        let outer = dims[..<axis].reduce(1, *), channels = dims[axis], inner = dims[(axis + 1)...].reduce(1, *)
        var result = [Float](repeating: 0, count: channels)
        for o in 0..<outer {
            for c in 0..<channels {
                let row = tensor.pointer + (o * channels + c) * inner
                for k in 0..<inner { result[c] = max(result[c], abs(row[k])) }
            }
        }
        return result
    }
}

extension QuantizationPlan.Weight {
    /// Visits each element's index with the parameters of its channel.
    func forEachChannelRun(_ body: (_ start: Int, _ count: Int, _ q: Int8Quantization) -> Void) {
        let dims = parameter.shape.dims
        guard let axis else { body(0, parameter.shape.count, channels[0]); return }
        let outer = dims[..<axis].reduce(1, *), inner = dims[(axis + 1)...].reduce(1, *)
        for o in 0..<outer {
            for c in 0..<channels.count { body((o * channels.count + c) * inner, inner, channels[c]) }
        }
    }

    /// The int8 values, in the parameter's layout.
    var quantized: [Int8] {
        var result = [Int8](repeating: 0, count: parameter.shape.count)
        let values = parameter.value.pointer
        forEachChannelRun { start, count, q in
            for i in start..<(start + count) { result[i] = Int8(q.quantize(values[i])) }
        }
        return result
    }
}

extension QuantizationPlan.Bias {
    /// The int32 values, in the parameter's layout.
    var quantized: [Int32] {
        let values = parameter.value.pointer
        return (0..<parameter.shape.count).map { i in
            Int8Quantization.quantizeBias(values[i], scale: scales.count == 1 ? scales[0] : scales[i])
        }
    }
}
