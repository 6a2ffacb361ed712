import Foundation
import SwiftProtobuf

/// A node attribute: name and value.
public enum OnnxAttribute: Equatable {
    case int(String, Int)
    case ints(String, [Int])
    case float(String, Float)
    case string(String, String)
}

/// Builds a one-graph ONNX model (default domain, float32 tensors) and serializes it as an
/// `onnx.ModelProto`. Nodes must be added in topological order, as ONNX requires.
///
///     let builder = OnnxModelBuilder(graphName: "mlp")
///     builder.setInput(name: "input", dims: [4])           // graph input [batch, 4]
///     builder.addInitializer(name: "fc.weight", shape: [3, 4], values: w)
///     builder.addInitializer(name: "fc.bias", shape: [3], values: b)
///     builder.addNode(opType: "Gemm", inputs: ["input", "fc.weight", "fc.bias"], outputs: ["output"],
///                     name: "fc", attributes: [.int("transB", 1)])
///     builder.setOutput(name: "output", dims: [3])
///     let bytes = try builder.serialized()
///
/// Mistakes (a value count that does not fill a shape, a node reading a name nothing produces,
/// a missing input or output) are collected and thrown by `serialized()`.
public final class OnnxModelBuilder {
    /// The dimension name of the dynamic first axis of the graph input and output.
    public static let batchDimension = "batch"

    private let opset: Int
    private var graph = Onnx_GraphProto()
    private var problems: [String] = []

    /// `opset` is the default-domain operator set version the nodes follow (9...23).
    public init(graphName: String, opset: Int = 13) {
        self.opset = opset
        graph.name = graphName
    }

    /// A float32 constant, e.g. a layer's weight. `values` are row-major for `shape`.
    public func addInitializer(name: String, shape: [Int], values: [Float]) {
        guard checkCount(name: name, shape: shape, count: values.count) else { return }
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dims = shape.map(Int64.init)
        tensor.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        tensor.rawData = Self.littleEndianData(values.map(\.bitPattern))
        graph.initializer.append(tensor)
    }

    /// An int64 constant, e.g. the target shape of a Reshape node.
    public func addInitializer(name: String, shape: [Int], int64Values: [Int64]) {
        guard checkCount(name: name, shape: shape, count: int64Values.count) else { return }
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dims = shape.map(Int64.init)
        tensor.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
        tensor.rawData = Self.littleEndianData(int64Values.map { UInt64(bitPattern: $0) })
        graph.initializer.append(tensor)
    }

    /// An int8 constant (a quantized weight, a zero point).
    public func addInitializer(name: String, shape: [Int], int8Values: [Int8]) {
        guard checkCount(name: name, shape: shape, count: int8Values.count) else { return }
        graph.initializer.append(Self.tensor(name: name, shape: shape, type: .int8, data: Self.littleEndianData(int8Values)))
    }

    /// An int32 constant (a quantized bias).
    public func addInitializer(name: String, shape: [Int], int32Values: [Int32]) {
        guard checkCount(name: name, shape: shape, count: int32Values.count) else { return }
        graph.initializer.append(Self.tensor(name: name, shape: shape, type: .int32, data: Self.littleEndianData(int32Values)))
    }

    private static func tensor(name: String, shape: [Int], type: Onnx_TensorProto.DataType, data: Data) -> Onnx_TensorProto {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dims = shape.map(Int64.init)
        tensor.dataType = Int32(type.rawValue)
        tensor.rawData = data
        return tensor
    }

    /// One operator node of the default ONNX domain, e.g. `opType: "Conv"`.
    public func addNode(opType: String, inputs: [String], outputs: [String], name: String,
                        attributes: [OnnxAttribute]) {
        var node = Onnx_NodeProto()
        node.opType = opType
        node.input = inputs
        node.output = outputs
        node.name = name
        node.attribute = attributes.map(Self.attributeProto)
        graph.node.append(node)
    }

    /// The graph input, float32 of shape `[batch] + dims`: `dims` are the per-sample dimensions
    /// (e.g. `[1, 28, 28]`) and the first axis is the dynamic dimension named "batch".
    public func setInput(name: String, dims: [Int]) {
        graph.input = [Self.valueInfo(name: name, dims: dims)]
    }

    /// The graph output, float32 of shape `[batch] + dims` (see `setInput`).
    public func setOutput(name: String, dims: [Int]) {
        graph.output = [Self.valueInfo(name: name, dims: dims)]
    }

    /// The serialized `onnx.ModelProto`, ready to be written to a `.onnx` file.
    /// Throws `FormatError` (file `"<graph name>.onnx"`) naming the first problem found.
    public func serialized() throws -> [UInt8] {
        func fail(_ message: String) -> FormatError { FormatError(file: "\(graph.name).onnx", message: message) }
        if let first = problems.first { throw fail(first) }
        guard let irVersion = Self.irVersion(forOpset: opset) else {
            throw fail("opset \(opset) is not supported; use 9 to 23")
        }
        guard let input = graph.input.first else { throw fail("the graph has no input; call setInput") }
        guard let output = graph.output.first else { throw fail("the graph has no output; call setOutput") }
        guard !graph.node.isEmpty else { throw fail("the graph has no nodes") }

        var available = Set(graph.initializer.map(\.name) + [input.name])
        for node in graph.node {
            // An empty name marks an omitted optional input in ONNX.
            if let missing = node.input.first(where: { !$0.isEmpty && !available.contains($0) }) {
                throw fail("node '\(node.name)' (\(node.opType)) reads '\(missing)', which no earlier node, input or initializer produces")
            }
            for produced in node.output where !available.insert(produced).inserted {
                throw fail("node '\(node.name)' (\(node.opType)) writes '\(produced)', which is already defined")
            }
        }
        guard available.contains(output.name) else { throw fail("no node produces the graph output '\(output.name)'") }

        var model = Onnx_ModelProto()
        model.irVersion = irVersion
        model.producerName = "dlt"
        model.graph = graph
        var opsetImport = Onnx_OperatorSetIdProto()
        opsetImport.domain = ""
        opsetImport.version = Int64(opset)
        model.opsetImport = [opsetImport]
        do {
            return try model.serializedBytes()
        } catch {
            throw fail("cannot serialize the model: \(error)")
        }
    }

    /// ONNX's table of the IR version that introduced each opset (onnx/helper.py VERSION_TABLE);
    /// using that IR version keeps the file loadable by the oldest runtime that knows the opset.
    static func irVersion(forOpset opset: Int) -> Int64? {
        switch opset {
        case 9: return 4
        case 10: return 5
        case 11: return 6
        case 12...14: return 7
        case 15...18: return 8
        case 19, 20: return 9
        case 21, 22: return 10
        case 23: return 11
        default: return nil
        }
    }

    private func checkCount(name: String, shape: [Int], count: Int) -> Bool {
        let expected = shape.allSatisfy { $0 >= 0 } ? shape.reduce(1, *) : -1
        if expected != count {
            problems.append("initializer '\(name)' has \(count) values for shape \(shape)")
        }
        return expected == count
    }

    private static func littleEndianData<Word: FixedWidthInteger>(_ words: [Word]) -> Data {
        var data = Data(count: words.count * MemoryLayout<Word>.size)
        data.withUnsafeMutableBytes { raw in
            for (index, word) in words.enumerated() {
                raw.storeBytes(of: word.littleEndian, toByteOffset: index * MemoryLayout<Word>.size, as: Word.self)
            }
        }
        return data
    }

    private static func attributeProto(_ attribute: OnnxAttribute) -> Onnx_AttributeProto {
        var proto = Onnx_AttributeProto()
        switch attribute {
        case let .int(name, value):
            proto.name = name
            proto.type = .int
            proto.i = Int64(value)
        case let .ints(name, values):
            proto.name = name
            proto.type = .ints
            proto.ints = values.map(Int64.init)
        case let .float(name, value):
            proto.name = name
            proto.type = .float
            proto.f = value
        case let .string(name, value):
            proto.name = name
            proto.type = .string
            proto.s = Data(value.utf8)
        }
        return proto
    }

    private static func valueInfo(name: String, dims: [Int]) -> Onnx_ValueInfoProto {
        var batch = Onnx_TensorShapeProto.Dimension()
        batch.dimParam = batchDimension
        var tensorType = Onnx_TypeProto.Tensor()
        tensorType.elemType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        tensorType.shape.dim = [batch] + dims.map { size in
            var dimension = Onnx_TensorShapeProto.Dimension()
            dimension.dimValue = Int64(size)
            return dimension
        }
        var info = Onnx_ValueInfoProto()
        info.name = name
        info.type.tensorType = tensorType
        return info
    }
}
