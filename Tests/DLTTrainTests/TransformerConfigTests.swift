import DLTConfig
import DLTCore
import DLTNN
import DLTTrain
import Foundation
import Testing

/// A small Transformer encoder from a config: parses, builds, runs forward and backward; bad
/// sequence-layer settings give one-line errors at the layer's place.
@Suite struct TransformerConfigTests {
    static let transformer = """
    model:
      input: [9]
      layers:
        - embedding: {vocab: 20, dim: 8}
        - positional_embedding: {}
        - multihead_attention: {heads: 2, causal: true, dropout: 0.1, name: attention}
        - add: {inputs: [positional_embedding_1, attention]}
        - layernorm: {}
        - dense: {units: 16, activation: relu}
        - dense: {units: 8}
        - add: {inputs: [layernorm_4, dense_6]}
        - layernorm: {epsilon: 1e-6}
        - global_avgpool1d: {}
        - dense: {units: 2, activation: softmax}

    """

    @Test func smallTransformerParsesBuildsAndRuns() throws {
        let config = try ModelConfig.parse(text: Self.transformer, file: "transformer.yaml")
        let graph = try GraphBuilder.build(config)
        #expect(graph.layers.map(\.typeName) == ["embedding", "positional_embedding", "multihead_attention", "add",
                                                  "layernorm", "dense", "dense", "add", "layernorm", "global_avgpool1d", "dense"])
        #expect(graph.nodes[5].outputShape == [9, 16])
        #expect(graph.namedParameters.map(\.name).contains("attention.out_proj.weight"))
        var random = SeededRandom(seed: 1)
        graph.initializeParameters(random: &random)
        let ids = Tensor(shape: [3, 9], values: (0..<27).map { Float($0 % 20) })
        let context = LayerContext(split: ThreadSplit(threads: 2), training: true, stepSeed: 7)
        let output = graph.forward(ids, context: context)
        #expect(output.shape == [3, 2])
        #expect(output.array.allSatisfy { $0.isFinite })
        graph.outputGradient.fill(0.1)
        graph.zeroGradients()
        graph.backward(input: ids, context: context)
        for (name, p) in graph.namedParameters where p.isTrainable {
            #expect(p.gradient.array.allSatisfy { $0.isFinite }, "\(name)")
        }
    }

    /// The error for `layers` (one YAML line each, after `model.layers:` at line 3).
    func buildError(input: String, _ layers: String) -> ConfigError? {
        let text = "model:\n  input: \(input)\n  layers:\n" + layers + "\n"
        do {
            let config = try ModelConfig.parse(text: text, file: "bad.yaml")
            _ = try GraphBuilder.build(config)
        } catch let error as ConfigError {
            return error
        } catch {
            Issue.record("not a ConfigError: \(error)")
            return nil
        }
        Issue.record("no error for:\n\(text)")
        return nil
    }

    static let badSequenceLayers: [(String, String, Int, [String])] = [
        ("[9]", "    - embedding: {vocab: 20, dim: 8}\n    - multihead_attention: {heads: 0}", 5, ["heads"]),
        ("[9]", "    - embedding: {vocab: 20, dim: 8}\n    - multihead_attention: {heads: -2}", 5, ["heads"]),
        ("[9]", "    - embedding: {vocab: 20, dim: 6}\n    - multihead_attention: {heads: 4}", 5,
         ["multihead_attention_1", "not divisible by heads 4"]),
        ("[9]", "    - embedding: {vocab: 20, dim: 8}\n    - multihead_attention: {heads: 2, dropout: 1}", 5, ["dropout"]),
        ("[1, 28, 28]", "    - multihead_attention: {heads: 1}", 4, ["multihead_attention_0", "(1, 28, 28)"]),
        ("[1, 28, 28]", "    - layernorm: {}", 4, ["layernorm_0", "(1, 28, 28)"]),
        ("[1, 28, 28]", "    - positional_embedding: {}", 4, ["positional_embedding_0", "(1, 28, 28)"]),
        ("[9]", "    - embedding: {vocab: 20, dim: 8}\n    - layernorm: {epsilon: 0}", 5, ["epsilon"]),
    ]

    @Test(arguments: 0..<badSequenceLayers.count)
    func badSequenceLayerIsOneLineAtItsPlace(index: Int) throws {
        let (input, layers, line, words) = Self.badSequenceLayers[index]
        let error = try #require(buildError(input: input, layers))
        let text = error.description
        #expect(!text.contains("\n"), "\(text)")
        #expect(text.hasPrefix("bad.yaml:\(line):"), "\(text)")
        for word in words { #expect(text.contains(word), "\(text)") }
    }

    /// The ONNX form of every Transformer layer serialises (the builder refuses a node that
    /// reads a name nothing produces) and carries the PyTorch parameter names.
    /// Values are onnxruntime's business (tests/interop); by hand, such a model gave dlt
    /// predict's outputs to 6e-8, padding masks included.
    @Test func transformerExportsToOnnx() throws {
        let config = try ModelConfig.parse(text: Self.transformer, file: "transformer.yaml")
        let setup = try ModelSetup(config: config, threads: 1, seed: 3)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("dlt-transformer-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Checkpoint.save(graph: setup.graph, optimizer: nil, state: TrainerState(), configText: Self.transformer,
                            seed: 3, to: path)
        let bytes = try OnnxExport.build(TrainedModel(checkpoint: path, threads: 1))
        let data = Data(bytes)
        for name in ["attention.in_proj_weight", "attention.out_proj.weight", "layernorm_4.weight", "positional_embedding_1.weight",
                     "MatMul", "Softmax", "ReduceMean"] {
            #expect(data.range(of: Data(name.utf8)) != nil, "\(name) missing from the ONNX model")
        }
    }
}
