import DLTConfig
import DLTCore
import DLTNN
import DLTTestSupport
import DLTTrain
import Testing

/// Whole sequence models, from config text to loss, through finite differences: every
/// parameter's gradient from `Graph.backward` against the loss the fused loss computes, on a
/// padded batch with mask_zero, so that masks, fan-out (residual adds) and the per-layer
/// gradients compose correctly.
@Suite struct SequenceGraphGradientTests {
    static let length = 6
    /// Two full texts, one padded after 3 tokens, one after 1.
    static let ids: [Float] = [3, 5, 2, 7, 1, 4,
                               6, 2, 2, 5, 3, 1,
                               4, 7, 3, 0, 0, 0,
                               5, 0, 0, 0, 0, 0]
    static let labels: [Int32] = [1, 0, 1, 0]

    static let models: [String: String] = [
        "lstm": "- lstm: {units: 3, bidirectional: true}",
        "gru": "- gru: {units: 3, return_sequences: true}\n    - global_avgpool1d",
        "cnn": "- conv1d: {filters: 3, kernel: 2, padding: same, activation: tanh}\n    - global_maxpool1d",
        "transformer": """
        - positional_embedding: {name: embedded}
            - multihead_attention: {heads: 2, name: attention}
            - add: {inputs: [embedded, attention]}
            - layernorm: {name: norm}
            - dense: {units: 4, activation: tanh}
            - add: {inputs: [norm, dense_5]}
            - global_avgpool1d
        """,
    ]

    static func setup(_ layers: String) throws -> ModelSetup {
        let text = """
        model:
          input: [\(length)]
          layers:
            - embedding: {vocab: 8, dim: 4, mask_zero: true}
            \(layers)
            - dense: {units: 1, activation: sigmoid}
        loss: binary_cross_entropy
        """
        return try ModelSetup(config: ModelConfig.parse(text: text, file: "sequence.yaml"), threads: 2, seed: 5)
    }

    @Test(arguments: ["lstm", "gru", "cnn", "transformer"])
    func parameterGradientsMatchTheLoss(model: String) throws {
        let setup = try Self.setup(Self.models[model]!)
        let graph = setup.graph
        let x = Tensor(shape: [4, Self.length], values: Self.ids)
        let context = LayerContext(split: setup.split, training: false)
        func loss(gradient: Bool) throws -> Double {
            try Self.labels.withUnsafeBufferPointer { labels in
                let output = graph.forward(x, context: context)
                return Double(try setup.loss.compute(predictions: output, target: .classes(labels),
                                                     gradient: gradient ? graph.outputGradient : nil))
            }
        }
        graph.zeroGradients()
        _ = try loss(gradient: true)
        graph.backward(input: x, context: context)
        // A step of 2e-3: embeddings start small (std 0.05), and layernorm over 4 features turns
        // a step of 1e-2 into a large relative change, past where central differences hold.
        var report = GradientReport(), random = SeededRandom(seed: 1)
        let differences = FiniteDifference(step: 2e-3, relativeTolerance: 3e-2, absoluteTolerance: 1e-3, maxChecksPerTensor: 24)
        for (name, parameter) in graph.namedParameters where parameter.isTrainable {
            try differences.check(parameter.value, analytic: parameter.gradient.array, name: name,
                                  loss: { try loss(gradient: false) }, random: &random, report: &report)
        }
        report.expectCorrect(model)
        #expect(report.checked >= 24, "every parameter tensor was checked")
    }
}
