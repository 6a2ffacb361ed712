import DLTCore
import DLTFormats
import DLTNN
import Foundation

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

    public static func build(_ model: TrainedModel) throws -> [UInt8] {
        let graph = model.graph
        let builder = OnnxModelBuilder(graphName: model.config.name, opset: opset)
        builder.setInput(name: "input", dims: graph.inputShape.dims)
        var outputs: [String] = []
        for (index, node) in graph.nodes.enumerated() {
            let inputs = node.inputs.map { $0 < 0 ? "input" : outputs[$0] }
            var emitter = NodeEmitter(builder: builder, prefix: node.layer.name)
            for p in node.layer.parameters {
                builder.addInitializer(name: "\(node.layer.name).\(p.name)", shape: p.shape.dims, values: p.value.array)
            }
            var out = try emitLayer(node.layer, inputs: inputs, emitter: &emitter)
            if index == graph.nodes.count - 1 {
                out = emitter.activation(graph.outputActivation, input: out, layer: node.layer.name)
            }
            outputs.append(out)
        }
        builder.addNode(opType: "Identity", inputs: [outputs.last!], outputs: ["output"], name: "output", attributes: [])
        builder.setOutput(name: "output", dims: graph.outputShape.dims)
        return try builder.serialized()
    }

    static func emitLayer(_ layer: Layer, inputs: [String], emitter e: inout NodeEmitter) throws -> String {
        let w = "\(layer.name).weight", b = "\(layer.name).bias"
        switch layer {
        case let l as Dense:
            let out = e.node("Gemm", [inputs[0], w] + (l.useBias ? [b] : []), [.int("transB", 1)])
            return e.activation(l.activation, input: out, layer: l.name)
        case let l as Conv2D:
            let g = l.geometry!
            let out = e.node("Conv", [inputs[0], w] + (l.useBias ? [b] : []), [
                .ints("kernel_shape", [l.kernel.0, l.kernel.1]), .ints("strides", [l.stride.0, l.stride.1]),
                .ints("pads", [g.padTop, g.padLeft, g.padBottom, g.padRight]),
                .ints("dilations", [l.dilation.0, l.dilation.1]),
            ])
            return e.activation(l.activation, input: out, layer: l.name)
        case let l as ConvTranspose2D:
            let out = e.node("ConvTranspose", [inputs[0], w] + (l.useBias ? [b] : []), [
                .ints("kernel_shape", [l.kernel.0, l.kernel.1]), .ints("strides", [l.stride.0, l.stride.1]),
                .ints("pads", [l.padding.0, l.padding.1, l.padding.0, l.padding.1]),
                .ints("output_padding", [l.outputPadding.0, l.outputPadding.1]),
            ])
            return e.activation(l.activation, input: out, layer: l.name)
        case let l as MaxPool2D:
            let g = l.geometry!
            return e.node("MaxPool", inputs, [.ints("kernel_shape", [l.size.0, l.size.1]), .ints("strides", [l.stride.0, l.stride.1]),
                                               .ints("pads", [g.padTop, g.padLeft, g.padBottom, g.padRight])])
        case let l as AvgPool2D:
            let g = l.geometry!
            return e.node("AveragePool", inputs, [.ints("kernel_shape", [l.size.0, l.size.1]), .ints("strides", [l.stride.0, l.stride.1]),
                                                   .ints("pads", [g.padTop, g.padLeft, g.padBottom, g.padRight]),
                                                   .int("count_include_pad", l.countIncludesPadding ? 1 : 0)])
        case is GlobalAvgPool2D:
            let pooled = e.node("GlobalAveragePool", inputs, [])
            return e.node("Flatten", [pooled], [.int("axis", 1)], suffix: "flatten")
        case is GlobalAvgPool1D:
            return e.node("ReduceMean", inputs, [.ints("axes", [1]), .int("keepdims", 0)])
        case is Flatten:
            return e.node("Flatten", inputs, [.int("axis", 1)])
        case let l as Reshape:
            e.builder.addInitializer(name: "\(l.name).shape", shape: [l.shape.count + 1], int64Values: [0] + l.shape.map(Int64.init))
            return e.node("Reshape", [inputs[0], "\(l.name).shape"], [])
        case let l as BatchNorm:
            return e.node("BatchNormalization", [inputs[0], w, b, "\(l.name).running_mean", "\(l.name).running_var"],
                          [.float("epsilon", l.epsilon)])
        case is Dropout:
            return e.node("Identity", inputs, [])
        case is Embedding:
            let ids = e.node("Cast", inputs, [.int("to", 7)], suffix: "ids")   // 7 = INT64
            return e.node("Gather", [w, ids], [.int("axis", 0)])
        case let l as ActivationLayer:
            return e.activation(l.activation, input: inputs[0], layer: l.name, alwaysNode: true)
        case is Add:
            var sum = inputs[0]
            for (k, next) in inputs.dropFirst().enumerated() {
                sum = e.node("Add", [sum, next], [], suffix: inputs.count > 2 ? "add\(k)" : nil)
            }
            return sum
        case let l as Concat:
            return e.node("Concat", inputs, [.int("axis", l.axis + 1)])
        default:
            throw UsageError("layer '\(layer.name)' (\(layer.typeName)) has no ONNX equivalent; it cannot be exported")
        }
    }
}

/// Adds nodes for one layer, naming their outputs after the layer.
struct NodeEmitter {
    let builder: OnnxModelBuilder
    let prefix: String
    private var count = 0

    init(builder: OnnxModelBuilder, prefix: String) { self.builder = builder; self.prefix = prefix }

    mutating func node(_ op: String, _ inputs: [String], _ attributes: [OnnxAttribute], suffix: String? = nil) -> String {
        count += 1
        let name = count == 1 && suffix == nil ? prefix : "\(prefix)/\(suffix ?? "\(op.lowercased())\(count)")"
        builder.addNode(opType: op, inputs: inputs, outputs: [name], name: name, attributes: attributes)
        return name
    }

    /// The activation as ONNX nodes (GELU spelled out with Erf: opset 13 has no Gelu).
    mutating func activation(_ activation: Activation, input: String, layer: String, alwaysNode: Bool = false) -> String {
        switch activation {
        case .identity: return alwaysNode ? node("Identity", [input], []) : input
        case .relu: return node("Relu", [input], [], suffix: "relu")
        case .leakyRelu(let alpha): return node("LeakyRelu", [input], [.float("alpha", alpha)], suffix: "leaky_relu")
        case .sigmoid: return node("Sigmoid", [input], [], suffix: "sigmoid")
        case .tanh: return node("Tanh", [input], [], suffix: "tanh")
        case .softmax: return node("Softmax", [input], [.int("axis", 1)], suffix: "softmax")
        case .gelu:
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
}
