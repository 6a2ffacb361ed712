import Foundation
import Testing
@testable import DLTFormats

/// input [batch, 4] → Gemm(W [3, 4], b [3], transB) → Relu → Reshape([-1, 3, 1]) → output [batch, 3, 1].
private let weight: [Float] = (0..<12).map { Float($0 % 5) * 0.25 - 0.5 }
private let bias: [Float] = [0.1, -0.2, 0.3]

private func gemmModel(opset: Int = 13) -> OnnxModelBuilder {
    let builder = OnnxModelBuilder(graphName: "tiny_gemm", opset: opset)
    builder.setInput(name: "input", dims: [4])
    builder.addInitializer(name: "fc.weight", shape: [3, 4], values: weight)
    builder.addInitializer(name: "fc.bias", shape: [3], values: bias)
    builder.addInitializer(name: "reshape.shape", shape: [3], int64Values: [-1, 3, 1])
    builder.addNode(opType: "Gemm", inputs: ["input", "fc.weight", "fc.bias"], outputs: ["fc.out"], name: "fc",
                    attributes: [.int("transB", 1), .float("alpha", 1), .float("beta", 1)])
    builder.addNode(opType: "Relu", inputs: ["fc.out"], outputs: ["relu.out"], name: "relu", attributes: [])
    builder.addNode(opType: "Reshape", inputs: ["relu.out", "reshape.shape"], outputs: ["output"], name: "reshape",
                    attributes: [])
    builder.setOutput(name: "output", dims: [3, 1])
    return builder
}

/// relu(x · Wᵀ + b) for one row x of 4 features.
private func expectedRow(_ x: [Float]) -> [Float] {
    (0..<3).map { unit in
        max(0, bias[unit] + (0..<4).reduce(Float(0)) { $0 + x[$1] * weight[unit * 4 + $1] })
    }
}

@Test func serializedModelDecodesToTheGraphThatWasBuilt() throws {
    let model = try Onnx_ModelProto(serializedBytes: gemmModel().serialized())
    #expect(model.irVersion == 7)
    #expect(model.producerName == "dlt")
    #expect(model.opsetImport.map(\.version) == [13])
    #expect(model.graph.name == "tiny_gemm")
    #expect(model.graph.node.map(\.opType) == ["Gemm", "Relu", "Reshape"])
    let input = model.graph.input[0].type.tensorType
    #expect(input.elemType == 1)
    #expect(input.shape.dim.map(\.dimParam) == ["batch", ""])
    #expect(input.shape.dim.map(\.dimValue) == [0, 4])
    let gemm = model.graph.node[0]
    #expect(gemm.attribute.map(\.name) == ["transB", "alpha", "beta"])
    #expect(gemm.attribute[0].type == .int && gemm.attribute[0].i == 1)
    let shape = try #require(model.graph.initializer.first { $0.name == "reshape.shape" })
    #expect(shape.dataType == 7)
    #expect([UInt8](shape.rawData) == [255, 255, 255, 255, 255, 255, 255, 255, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0])
    let w = try #require(model.graph.initializer.first { $0.name == "fc.weight" })
    #expect(w.dims == [3, 4])
    #expect(w.rawData.count == 48)
}

@Test func stringAndIntsAttributesAreEncoded() throws {
    let builder = OnnxModelBuilder(graphName: "pool")
    builder.setInput(name: "x", dims: [1, 4, 4])
    builder.addNode(opType: "MaxPool", inputs: ["x"], outputs: ["y"], name: "pool",
                    attributes: [.ints("kernel_shape", [2, 2]), .string("auto_pad", "VALID")])
    builder.setOutput(name: "y", dims: [1, 2, 2])
    let attributes = try Onnx_ModelProto(serializedBytes: builder.serialized()).graph.node[0].attribute
    #expect(attributes[0].type == .ints && attributes[0].ints == [2, 2])
    #expect(attributes[1].type == .string && String(decoding: attributes[1].s, as: UTF8.self) == "VALID")
}

@Test func builderMistakesAreThrownBySerialized() {
    func message(_ configure: (OnnxModelBuilder) -> Void) -> String? {
        let builder = gemmModel()
        configure(builder)
        do { _ = try builder.serialized(); return nil } catch let error as FormatError { return error.message } catch { return "\(error)" }
    }
    #expect(message { $0.addInitializer(name: "bad", shape: [2, 2], values: [1]) } == "initializer 'bad' has 1 values for shape [2, 2]")
    #expect(message { $0.addNode(opType: "Relu", inputs: ["ghost"], outputs: ["z"], name: "r2", attributes: []) }
        == "node 'r2' (Relu) reads 'ghost', which no earlier node, input or initializer produces")
    #expect(message { $0.addNode(opType: "Relu", inputs: ["input"], outputs: ["fc.out"], name: "r3", attributes: []) }
        == "node 'r3' (Relu) writes 'fc.out', which is already defined")
    #expect(message { $0.setOutput(name: "nowhere", dims: [3]) } == "no node produces the graph output 'nowhere'")
    #expect(throws: FormatError.self) { try OnnxModelBuilder(graphName: "empty").serialized() }
    #expect(throws: FormatError.self) { try gemmModel(opset: 7).serialized() }
}

@Test func irVersionFollowsTheOpset() {
    #expect(OnnxModelBuilder.irVersion(forOpset: 13) == 7)
    #expect(OnnxModelBuilder.irVersion(forOpset: 17) == 8)
    #expect(OnnxModelBuilder.irVersion(forOpset: 8) == nil)
}

/// Checks the model with `onnx.checker` and runs it in onnxruntime (skipped without the venv).
@Test(.enabled(if: ReferencePython.isAvailable, "needs .venv-bench with onnx and onnxruntime"))
func onnxCheckerAcceptsAndOnnxRuntimeComputesTheModel() throws {
    let directory = try ScratchDirectory()
    let path = directory.file("tiny_gemm.onnx")
    try Data(gemmModel().serialized()).write(to: URL(fileURLWithPath: path))
    let rows: [[Float]] = [[1, 2, 3, 4], [-1, 0.5, 0, 2]]
    let script = """
    import json, sys
    import numpy as np, onnx, onnxruntime as ort
    model = onnx.load(sys.argv[1])
    onnx.checker.check_model(model, full_check=True)
    session = ort.InferenceSession(sys.argv[1], providers=["CPUExecutionProvider"])
    x = np.array(json.loads(sys.argv[2]), dtype=np.float32)
    (y,) = session.run(None, {"input": x})
    print(json.dumps({"shape": list(y.shape), "values": [float(v) for v in y.reshape(-1)]}))
    """
    let rowsJSON = "[" + rows.map { "[" + $0.map { "\($0)" }.joined(separator: ",") + "]" }.joined(separator: ",") + "]"
    let result = try #require(try ReferencePython.runJSON(script, arguments: [path, rowsJSON]) as? [String: Any])
    #expect(result["shape"] as? [Int] == [2, 3, 1])
    let values = try #require(result["values"] as? [Double]).map(Float.init)
    let expected = rows.flatMap(expectedRow)
    #expect(values.count == expected.count)
    for (got, want) in zip(values, expected) {
        #expect(abs(got - want) <= 1e-6, "onnxruntime \(got) vs \(want)")
    }
}
