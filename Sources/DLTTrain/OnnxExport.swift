import DLTCore
import DLTFormats
import DLTNN
import Foundation

/// A layer that `dlt export --format onnx` can write: each layer type's file gives its form.
protocol OnnxExportable: Layer {
    /// Adds the layer's nodes reading `inputs` (tensor names); returns the name of its output.
    func emitOnnx(inputs: [String], into emitter: inout OnnxNodeEmitter) throws -> String
    /// False for layers whose ONNX form holds their weights rearranged in initialisers of its
    /// own (recurrent gates in ONNX's order), so the ones under dlt's names would go unused.
    var exportsParametersByName: Bool { get }
    /// The output-channel axis of the layer's weights, for per-channel int8 (`dlt quantize`).
    var weightOutputAxis: Int { get }
}

extension OnnxExportable {
    var exportsParametersByName: Bool { true }
    var weightOutputAxis: Int { 0 }
}

/// `dlt export --format onnx`: the graph as ONNX opset 13, one input `input` (batch dimension
/// dynamic) and one output `output` equal to what `dlt predict --format npy` writes (so the output
/// activation moved into the loss is put back). Weights become initialisers under their dlt names.
public enum OnnxExport {
    public static let opset = 13

    public static func write(_ model: TrainedModel, to path: String) throws {
        let bytes = try build(model)
        do { try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw RunFailure("\(path): cannot write: \(error.localizedDescription)")
        }
    }

    public static func build(_ model: TrainedModel) throws -> [UInt8] { try build(model, quantization: nil) }

    /// With a quantization plan, every weight, bias and node output goes through DequantizeLinear
    /// (and the activations QuantizeLinear before it): the layers' own emitters, unchanged, read
    /// the dequantized tensors under the names they always read.
    static func build(_ model: TrainedModel, quantization plan: QuantizationPlan?) throws -> [UInt8] {
        let graph = model.graph
        let builder = OnnxModelBuilder(graphName: model.config.name, opset: opset)
        builder.setInput(name: "input", dims: graph.inputShape.dims)
        let qdq = plan.map { OnnxQDQ(builder: builder, plan: $0, graph: graph) }
        let input = qdq?.input() ?? "input"
        var outputs: [String] = []
        let shared = OnnxExportShared()
        graph.preparePlans()   // wires the sequence masks that the recurrent layers export as lengths
        for (index, node) in graph.nodes.enumerated() {
            let layer = node.layer
            guard let exportable = layer as? OnnxExportable else {
                throw UsageError("layer '\(layer.name)' (\(layer.typeName)) has no ONNX equivalent; it cannot be exported")
            }
            for p in layer.parameters where exportable.exportsParametersByName {
                let name = "\(layer.name).\(p.name)"
                if qdq?.addParameter(p, name: name, node: index) != true {
                    builder.addInitializer(name: name, shape: p.shape.dims, values: p.value.array)
                }
            }
            var emitter = OnnxNodeEmitter(builder: builder, prefix: layer.name, shared: shared)
            let inputs = node.inputs.map { source -> String in
                switch source {
                case .modelInput: return input
                case .node(let k): return outputs[k]
                }
            }
            var out = try exportable.emitOnnx(inputs: inputs, into: &emitter)
            if let qdq { out = qdq.wrapOutput(out, node: index) }
            if index == graph.nodes.count - 1 {
                out = emitter.activation(graph.outputActivation, input: out)
            }
            outputs.append(out)
        }
        builder.addNode(opType: "Identity", inputs: [outputs.last!], outputs: ["output"], name: "output", attributes: [])
        builder.setOutput(name: "output", dims: graph.outputShape.dims)
        return try builder.serialized()
    }
}

/// What the layers of one export share: tensors made once for the whole graph.
final class OnnxExportShared {
    /// Real tokens per sample (int32, N), from the model input's token ids.
    var sequenceLengths: String?
}

/// Adds the nodes of one layer, naming their outputs after the layer (`conv2d_0`,
/// `conv2d_0/relu`).
struct OnnxNodeEmitter {
    let builder: OnnxModelBuilder
    let prefix: String
    let shared: OnnxExportShared
    private var count = 0

    init(builder: OnnxModelBuilder, prefix: String, shared: OnnxExportShared) {
        self.builder = builder; self.prefix = prefix; self.shared = shared
    }

    /// A float initialiser `<layer>/<name>` (weights rearranged for an operator); returns its name.
    func constant(_ name: String, shape: [Int], values: [Float]) -> String {
        let full = "\(prefix)/\(name)"
        builder.addInitializer(name: full, shape: shape, values: values)
        return full
    }

    /// A node with several outputs, named `<layer>/<suffix>`.
    func node(_ op: String, _ inputs: [String], outputs suffixes: [String], _ attributes: [OnnxAttribute]) -> [String] {
        let names = suffixes.map { "\(prefix)/\($0)" }
        builder.addNode(opType: op, inputs: inputs, outputs: names, name: "\(prefix)/\(op.lowercased())", attributes: attributes)
        return names
    }

    /// Each sample's length in the model input's token ids (N, int32): 1 + the position of its
    /// last non-zero id, as `Embedding` masks; the `sequence_lens` of recurrent operators.
    func sequenceLengths(length: Int) -> String {
        if let made = shared.sequenceLengths { return made }
        let p = "input/sequence_lens"
        builder.addInitializer(name: p + "_zero", shape: [], values: [0])
        builder.addInitializer(name: p + "_positions", shape: [length], values: (1...length).map(Float.init))
        builder.addNode(opType: "Equal", inputs: ["input", p + "_zero"], outputs: [p + "_pad"], name: p + "_pad", attributes: [])
        builder.addNode(opType: "Not", inputs: [p + "_pad"], outputs: [p + "_real"], name: p + "_real", attributes: [])
        builder.addNode(opType: "Cast", inputs: [p + "_real"], outputs: [p + "_float"], name: p + "_float", attributes: [.int("to", 1)])
        builder.addNode(opType: "Mul", inputs: [p + "_float", p + "_positions"], outputs: [p + "_ends"], name: p + "_ends", attributes: [])
        builder.addNode(opType: "ReduceMax", inputs: [p + "_ends"], outputs: [p + "_max"], name: p + "_max",
                        attributes: [.ints("axes", [1]), .int("keepdims", 0)])
        builder.addNode(opType: "Cast", inputs: [p + "_max"], outputs: [p], name: p, attributes: [.int("to", 6)])   // 6 = INT32
        shared.sequenceLengths = p
        return p
    }

    /// The initialiser name of the layer's parameter `name` (`conv2d_0.weight`).
    func parameter(_ name: String) -> String { "\(prefix).\(name)" }

    /// An int64 initialiser `<layer>.<name>` (a Reshape's target shape); returns its name.
    func constant(_ name: String, int64 values: [Int64]) -> String {
        builder.addInitializer(name: parameter(name), shape: [values.count], int64Values: values)
        return parameter(name)
    }

    mutating func node(_ op: String, _ inputs: [String], _ attributes: [OnnxAttribute], suffix: String? = nil) -> String {
        count += 1
        let name = count == 1 && suffix == nil ? prefix : "\(prefix)/\(suffix ?? "\(op.lowercased())\(count)")"
        builder.addNode(opType: op, inputs: inputs, outputs: [name], name: name, attributes: attributes)
        return name
    }

    /// The activation as ONNX nodes (GELU spelled out with Erf: opset 13 has no Gelu).
    mutating func activation(_ activation: Activation, input: String, alwaysNode: Bool = false) -> String {
        switch activation {
        case .identity: return alwaysNode ? node("Identity", [input], []) : input
        case .relu: return node("Relu", [input], [], suffix: "relu")
        case .leakyRelu(let alpha): return node("LeakyRelu", [input], [.float("alpha", alpha)], suffix: "leaky_relu")
        case .sigmoid: return node("Sigmoid", [input], [], suffix: "sigmoid")
        case .tanh: return node("Tanh", [input], [], suffix: "tanh")
        case .softmax: return node("Softmax", [input], [.int("axis", 1)], suffix: "softmax")
        case .gelu: return gelu(input)
        }
    }

    /// 0.5 · x · (1 + erf(x / √2)).
    private mutating func gelu(_ input: String) -> String {
        let c = "\(prefix)/gelu_constants"
        builder.addInitializer(name: c + "_sqrt2", shape: [], values: [Float(2).squareRoot()])
        builder.addInitializer(name: c + "_one", shape: [], values: [1])
        builder.addInitializer(name: c + "_half", shape: [], values: [0.5])
        let scaled = node("Div", [input, c + "_sqrt2"], [], suffix: "gelu_div")
        let erf = node("Erf", [scaled], [], suffix: "gelu_erf")
        let plus = node("Add", [erf, c + "_one"], [], suffix: "gelu_add")
        let times = node("Mul", [input, plus], [], suffix: "gelu_mul")
        return node("Mul", [times, c + "_half"], [], suffix: "gelu")
    }
}
