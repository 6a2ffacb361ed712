import DLTCore
import DLTNN
import Foundation
import Testing

/// One JSON file written by scripts/make_fixtures.py: PyTorch's inputs, weights and outputs.
struct PyTorchFixture {
    let name: String
    let config: [String: Any]
    private let tensors: [String: Any]

    /// Tests/Fixtures/<name>.json, found from this file's path so tests run from any directory.
    init(_ name: String, filePath: String = #filePath) throws {
        let url = URL(fileURLWithPath: filePath).deletingLastPathComponent()
            .appendingPathComponent("../Fixtures/\(name).json").standardized
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        self.name = name
        config = document["config"] as? [String: Any] ?? [:]
        tensors = document["tensors"] as? [String: Any] ?? [:]
        #expect(document["torch_version"] is String && document["seed"] is Int, "\(name) records torch version and seed")
    }

    private func entry(_ key: String) throws -> (shape: [Int], data: [NSNumber]) {
        let item = try #require(tensors[key] as? [String: Any], "\(name) has no tensor '\(key)'")
        return (try #require(item["shape"] as? [Int]), try #require(item["data"] as? [NSNumber]))
    }

    func tensor(_ key: String) throws -> Tensor {
        let (shape, data) = try entry(key)
        return Tensor(shape: Shape(shape), values: data.map(\.floatValue))
    }

    func labels(_ key: String) throws -> [Int32] { try entry(key).data.map(\.int32Value) }

    func pair(_ key: String) throws -> (Int, Int) {
        let values = try #require(config[key] as? [Int], "\(name) config has no pair '\(key)'")
        return (values[0], values[1])
    }

    func number(_ key: String) throws -> Double { try #require((config[key] as? NSNumber)?.doubleValue) }
}

/// |dlt - torch| <= 1e-5 + 1e-4 |torch| for every element, shapes equal.
func expectMatches(_ actual: Tensor, _ expected: Tensor, _ what: String,
                   absolute: Float = 1e-5, relative: Float = 1e-4, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.shape == expected.shape, "\(what): shape \(actual.shape) vs PyTorch \(expected.shape)",
            sourceLocation: sourceLocation)
    guard actual.shape == expected.shape else { return }
    var worst = 0, worstExcess: Float = -1
    for i in 0..<expected.count {
        let excess = abs(actual[i] - expected[i]) - (absolute + relative * abs(expected[i]))
        if excess > worstExcess { worstExcess = excess; worst = i }
    }
    #expect(worstExcess <= 0, "\(what): element \(worst) is \(actual[worst]), PyTorch \(expected[worst])",
            sourceLocation: sourceLocation)
}

@Suite struct PyTorchFixtureTests {
    /// Builds `layer` on the fixture's input, copies the named fixture tensors into its parameters,
    /// runs forward and returns the output.
    func run(_ layer: any Layer, _ fixture: PyTorchFixture, input: Tensor, training: Bool = false,
             parameters: [String] = ["weight", "bias"]) throws -> Tensor {
        let shape = try layer.build(inputShapes: [input.shape.perSample])
        for name in parameters {
            let parameter = try #require(layer.parameters.first { $0.name == name }, "\(layer.name) has no \(name)")
            let value = try fixture.tensor(name)
            #expect(parameter.shape.count == value.count, "\(fixture.name).\(name): \(parameter.shape) vs \(value.shape)")
            parameter.value.copy(from: value)
        }
        let output = Tensor(shape: shape.batched(input.shape[0]))
        layer.forward(inputs: [input], output: output,
                      context: LayerContext(split: ThreadSplit(threads: 1), training: training))
        return output
    }

    @Test func dense() throws {
        let f = try PyTorchFixture("dense")
        let output = try run(Dense(name: "dense_0", units: 4), f, input: f.tensor("input"))
        expectMatches(output, try f.tensor("output"), "dense")
    }

    @Test(arguments: ["conv2d_stride2_pad1", "conv2d_dilation"])
    func conv2d(name: String) throws {
        let f = try PyTorchFixture(name)
        let input = try f.tensor("input")
        let padding = try f.pair("padding")
        let layer = Conv2D(name: "conv2d_0", filters: Int(try f.number("filters")), kernel: try f.pair("kernel"),
                           stride: try f.pair("stride"), padding: .explicit(height: padding.0, width: padding.1),
                           dilation: try f.pair("dilation"))
        expectMatches(try run(layer, f, input: input), try f.tensor("output"), name)
    }

    @Test func convTranspose2d() throws {
        let f = try PyTorchFixture("conv_transpose2d")
        let layer = ConvTranspose2D(name: "conv_transpose2d_0", filters: Int(try f.number("filters")),
                                    kernel: try f.pair("kernel"), stride: try f.pair("stride"),
                                    padding: try f.pair("padding"), outputPadding: try f.pair("output_padding"))
        expectMatches(try run(layer, f, input: try f.tensor("input")), try f.tensor("output"), "conv_transpose2d")
    }

    @Test(arguments: ["maxpool2d_2x2", "maxpool2d_3x3_stride2_pad1", "avgpool2d_2x2"])
    func pooling(name: String) throws {
        let f = try PyTorchFixture(name)
        let padding = try f.pair("padding")
        let explicit: Padding = padding == (0, 0) ? .valid : .explicit(height: padding.0, width: padding.1)
        let layer: any Layer = name.hasPrefix("max")
            ? MaxPool2D(name: "pool", size: try f.pair("size"), stride: try f.pair("stride"), padding: explicit)
            : AvgPool2D(name: "pool", size: try f.pair("size"), stride: try f.pair("stride"), padding: explicit)
        expectMatches(try run(layer, f, input: try f.tensor("input"), parameters: []), try f.tensor("output"), name)
    }

    @Test func batchNormTrainingOutputAndRunningStatistics() throws {
        let f = try PyTorchFixture("batchnorm2d")
        let layer = BatchNorm(name: "batchnorm_0", momentum: Float(try f.number("momentum")),
                              epsilon: Float(try f.number("epsilon")))
        let output = try run(layer, f, input: try f.tensor("input"), training: true,
                             parameters: ["weight", "bias", "running_mean", "running_var"])
        expectMatches(output, try f.tensor("train_output"), "batchnorm train output")
        let state = Dictionary(uniqueKeysWithValues: layer.parameters.map { ($0.name, $0.value) })
        expectMatches(try #require(state["running_mean"]), try f.tensor("updated_running_mean"), "running_mean")
        expectMatches(try #require(state["running_var"]), try f.tensor("updated_running_var"), "running_var")
    }

    @Test func batchNormEvaluationUsesRunningStatistics() throws {
        let f = try PyTorchFixture("batchnorm2d")
        let layer = BatchNorm(name: "batchnorm_0", momentum: Float(try f.number("momentum")),
                              epsilon: Float(try f.number("epsilon")))
        let output = try run(layer, f, input: try f.tensor("input"), training: false,
                             parameters: ["weight", "bias", "running_mean", "running_var"])
        expectMatches(output, try f.tensor("eval_output"), "batchnorm eval output")
    }

    /// Loss value and dLoss/dInput against torch.nn.functional with reduction='mean'.
    func checkLoss(_ loss: any Loss, _ f: PyTorchFixture, predictions: Tensor, target: LossTarget) throws {
        let gradient = Tensor(shape: predictions.shape)
        let value = try loss.compute(predictions: predictions, target: target, gradient: gradient)
        let expected = Float(try f.number("loss"))
        #expect(abs(value - expected) <= 1e-5 + 1e-4 * abs(expected), "\(f.name): \(value) vs PyTorch \(expected)")
        expectMatches(gradient, try f.tensor("gradient"), "\(f.name) gradient")
    }

    @Test func crossEntropyFromLogits() throws {
        let f = try PyTorchFixture("loss_cross_entropy")
        try f.labels("labels").withUnsafeBufferPointer {
            try checkLoss(SoftmaxCrossEntropy(), f, predictions: try f.tensor("logits"), target: .classes($0))
        }
    }

    @Test func binaryCrossEntropyWithLogits() throws {
        let f = try PyTorchFixture("loss_binary_cross_entropy")
        try f.tensor("targets").array.withUnsafeBufferPointer {
            try checkLoss(BinaryCrossEntropy(), f, predictions: try f.tensor("logits"), target: .values($0))
        }
    }

    @Test func meanSquaredError() throws {
        let f = try PyTorchFixture("loss_mse")
        try f.tensor("targets").array.withUnsafeBufferPointer {
            try checkLoss(MeanSquaredError(), f, predictions: try f.tensor("predictions"), target: .values($0))
        }
    }
}
