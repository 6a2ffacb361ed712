import DLTConfig
import DLTCore
import DLTFormats
@testable import DLTTrain
import Testing

/// The one by-name weight loader, in its checkpoint (`.refuse`) and --init-from
/// (`.keepInitialization`) modes.
@Suite struct NamedWeightsTests {
    /// dense_0 (3 -> 4) and dense_1 (4 -> 2): weights [out, in] and biases.
    private func graph() throws -> Graph {
        let text = "model:\n  input: [3]\n  layers:\n    - dense: {units: 4}\n    - dense: {units: 2}\n"
        return try ModelSetup(config: try ModelConfig.parse(text: text, file: "t.yaml"), threads: 1, seed: 1).graph
    }

    private func tensor(_ name: String, _ shape: [Int], _ value: Float = 0.5) -> NamedTensor {
        NamedTensor(name: name, shape: shape, values: Array(repeating: value, count: shape.reduce(1, *)))
    }

    private var allTensors: [NamedTensor] {
        [tensor("dense_0.weight", [4, 3]), tensor("dense_0.bias", [4]), tensor("dense_1.weight", [2, 4]), tensor("dense_1.bias", [2])]
    }

    private func message(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch let error as FormatError { return error.message } catch { return "\(error)" }
    }

    @Test func everyParameterIsAssignedByName() throws {
        let graph = try graph()
        let file = SafeTensorsFile(tensors: allTensors + [tensor("optimizer.dense_0.weight.exp_avg", [4, 3])])
        for mode in [NamedWeights.AbsentLayers.refuse, .keepInitialization] {
            #expect(try NamedWeights.assign(file, path: "w", to: graph, absentLayers: mode).isEmpty)
        }
        #expect(graph.namedParameters.allSatisfy { $0.parameter.value.array.allSatisfy { $0 == 0.5 } })
    }

    @Test func anAbsentLayerIsRefusedByACheckpointAndKeptByInitFrom() throws {
        let graph = try graph()
        let before = graph.namedParameters.map { $0.parameter.value.array }
        let file = SafeTensorsFile(tensors: Array(allTensors.prefix(2)))
        #expect(message { _ = try NamedWeights.assign(file, path: "w", to: graph, absentLayers: .refuse) }
                == "tensor 'dense_1.weight' is missing: the checkpoint was made by a different model")
        #expect(graph.namedParameters.map { $0.parameter.value.array } == before, "a refused file changes nothing")
        #expect(try NamedWeights.assign(file, path: "w", to: graph, absentLayers: .keepInitialization) == ["dense_1"])
        #expect(graph.namedParameters[3].parameter.value.array == before[3])
    }

    @Test func refusalsNameTheTensor() throws {
        let graph = try graph()
        let partial = SafeTensorsFile(tensors: allTensors.filter { $0.name != "dense_1.bias" })
        #expect(message { _ = try NamedWeights.assign(partial, path: "w", to: graph, absentLayers: .keepInitialization) }
                == "tensor 'dense_1.bias' is missing while other tensors of layer 'dense_1' are present")
        let transposed = SafeTensorsFile(tensors: [tensor("dense_0.weight", [3, 4])] + allTensors.dropFirst())
        #expect(message { _ = try NamedWeights.assign(transposed, path: "w", to: graph, absentLayers: .keepInitialization) }
                == "tensor 'dense_0.weight' has shape (3, 4), layer 'dense_0' needs (4, 3)")
        #expect(message { _ = try NamedWeights.assign(transposed, path: "w", to: graph, absentLayers: .refuse) }
                == "tensor 'dense_0.weight' has shape (3, 4), layer 'dense_0' needs (4, 3): the checkpoint was made by a different model")
        let stray = SafeTensorsFile(tensors: allTensors + [tensor("dense_7.weight", [2, 2])])
        #expect(message { _ = try NamedWeights.assign(stray, path: "w", to: graph, absentLayers: .keepInitialization) }?
                .hasPrefix("tensor 'dense_7.weight' matches no layer parameter of this model") == true)
    }

    /// embedding_0 (vocab 10, dim 3) and a bidirectional lstm_1 of 2 units.
    private func lstmGraph() throws -> Graph {
        let text = "model:\n  input: [5]\n  layers:\n    - embedding: {vocab: 10, dim: 3}\n"
            + "    - lstm: {units: 2, bidirectional: true}\n"
        return try ModelSetup(config: try ModelConfig.parse(text: text, file: "t.yaml"), threads: 1, seed: 1).graph
    }

    /// nn.LSTM(3, 2, bidirectional=True)'s state dict under the layer name, PyTorch's keys unchanged.
    private var pytorchLSTMTensors: [NamedTensor] {
        ["", "_reverse"].enumerated().flatMap { d, suffix in
            [tensor("lstm_1.weight_ih_l0" + suffix, [8, 3], Float(1 + 4 * d)), tensor("lstm_1.weight_hh_l0" + suffix, [8, 2], Float(2 + 4 * d)),
             tensor("lstm_1.bias_ih_l0" + suffix, [8], Float(3 + 4 * d)), tensor("lstm_1.bias_hh_l0" + suffix, [8], Float(4 + 4 * d))]
        }
    }

    @Test func recurrentTypesTakePyTorchLayerZeroNames() {
        for aliases in [LSTMType.importAliases, GRUType.importAliases] {
            #expect(aliases["weight_ih_l0"] == "weight_ih")
            #expect(aliases["weight_ih_l0_reverse"] == "weight_ih_reverse")
            #expect(aliases["bias_hh_l0_reverse"] == "bias_hh_reverse")
            #expect(aliases.count == 8)
        }
        #expect(DenseType.importAliases.isEmpty)
        #expect(LayerRegistry.importAliases(ofType: "gru") == GRUType.importAliases)
    }

    @Test func pytorchNamesLoadIntoDltNames() throws {
        let graph = try lstmGraph()
        let file = SafeTensorsFile(tensors: pytorchLSTMTensors + [tensor("embedding_0.weight", [10, 3])])
        #expect(try NamedWeights.assign(file, path: "w", to: graph, absentLayers: .keepInitialization).isEmpty)
        let values = Dictionary(uniqueKeysWithValues: graph.namedParameters.map { ($0.name, $0.parameter.value.array) })
        #expect(values["lstm_1.weight_ih"]?.allSatisfy { $0 == 1 } == true)
        #expect(values["lstm_1.bias_hh"]?.allSatisfy { $0 == 4 } == true)
        #expect(values["lstm_1.weight_ih_reverse"]?.allSatisfy { $0 == 5 } == true)
        #expect(values["lstm_1.bias_hh_reverse"]?.allSatisfy { $0 == 8 } == true)
        // A checkpoint keeps dlt's names, and loads back through the same loader.
        #expect(graph.namedParameters.map(\.name).contains("lstm_1.weight_hh_reverse"))
        #expect(!graph.namedParameters.map(\.name).contains { $0.contains("_l0") })
    }

    @Test func anAliasAndItsDltNameTogetherAreRefused() throws {
        let graph = try lstmGraph()
        let file = SafeTensorsFile(tensors: pytorchLSTMTensors + [tensor("lstm_1.weight_ih", [8, 3])])
        #expect(message { _ = try NamedWeights.assign(file, path: "w", to: graph, absentLayers: .keepInitialization) }
                == "tensors 'lstm_1.weight_ih' and 'lstm_1.weight_ih_l0' are the same parameter; keep one")
        let secondLayer = SafeTensorsFile(tensors: pytorchLSTMTensors + [tensor("lstm_1.weight_ih_l1", [8, 4])])
        #expect(message { _ = try NamedWeights.assign(secondLayer, path: "w", to: graph, absentLayers: .keepInitialization) }?
                .hasPrefix("tensor 'lstm_1.weight_ih_l1' matches no layer parameter of this model") == true)
        let wrongShape = SafeTensorsFile(tensors: [tensor("lstm_1.weight_ih_l0", [8, 4])] + pytorchLSTMTensors.dropFirst())
        #expect(message { _ = try NamedWeights.assign(wrongShape, path: "w", to: graph, absentLayers: .keepInitialization) }
                == "tensor 'lstm_1.weight_ih_l0' has shape (8, 4), layer 'lstm_1' needs (8, 3)")
    }
}
