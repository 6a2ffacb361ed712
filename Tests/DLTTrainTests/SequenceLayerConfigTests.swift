import DLTConfig
import DLTCore
import DLTTrain
import Testing

/// conv1d, maxpool1d and global_maxpool1d from a config: shapes through a text CNN, and bad
/// settings reported as one line at the layer's place, before any data is read.
@Suite struct SequenceLayerConfigTests {
    static func graph(input: String, _ layers: String) throws -> Graph {
        let config = try ModelConfig.parse(text: "model:\n  input: \(input)\n  layers:\n" + layers + "\n", file: "seq.yaml")
        return try GraphBuilder.build(config)
    }

    /// The ConfigError `body` throws (from the config check or the graph's shape inference), or nil.
    static func configError(_ body: () throws -> Void) -> ConfigError? {
        do { try body() } catch let error as ConfigError { return error } catch { return nil }
        return nil
    }

    @Test func textCNNShapes() throws {
        let graph = try Self.graph(input: "[40]", """
            - embedding: {vocab: 100, dim: 16}
            - conv1d: {filters: 32, kernel: 5, padding: same, activation: relu}
            - maxpool1d: {size: 2}
            - conv1d: {filters: 24, kernel: 3, stride: 2, dilation: 2, padding: 1}
            - maxpool1d: {size: 3, stride: 1}
            - global_maxpool1d
            - dense: {units: 2}
        """)
        #expect(graph.nodes.map(\.outputShape) == [[40, 16], [40, 32], [20, 32], [9, 24], [7, 24], [24], [2]])
        #expect(graph.namedParameters.map(\.name).prefix(3) == ["embedding_0.weight", "conv1d_1.weight", "conv1d_1.bias"])
        #expect(graph.namedParameters[1].parameter.shape == [32, 16, 5])
    }

    @Test(arguments: [
        ("[1, 28, 28]", "    - conv1d: {filters: 4, kernel: 3}",
         "layer 'conv1d_0' (conv1d) expects a sequence (length, channels) per sample, got shape (1, 28, 28); conv2d takes images"),
        ("[1, 28, 28]", "    - maxpool1d", "got shape (1, 28, 28); maxpool2d takes images"),
        ("[32]", "    - conv1d: {filters: 4, kernel: 3}", "got shape (32); token ids need an embedding first"),
        ("[1, 28, 28]", "    - global_maxpool1d", "expects a sequence (length, channels) per sample"),
        ("[6]", "    - embedding: {vocab: 10, dim: 4}\n    - conv1d: {filters: 4, kernel: 7}",
         "window 7 is longer than the sequence of length 6"),
        ("[6]", "    - embedding: {vocab: 10, dim: 4}\n    - conv1d: {filters: 4, kernel: 3, dilation: 3}",
         "window 3 at dilation 3 (spanning 7) is longer than the sequence of length 6"),
        ("[6]", "    - embedding: {vocab: 10, dim: 4}\n    - maxpool1d: {size: 8}", "window 8 is longer than the sequence"),
    ])
    func shapeErrorsAreOneLineAtTheLayer(input: String, layers: String, message: String) {
        let error = Self.configError { _ = try Self.graph(input: input, layers) }
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
        #expect(error?.description.contains("\n") == false)
        #expect(error?.location != nil)
    }

    @Test(arguments: [
        ("    - maxpool1d: {size: 0}", "size must be a positive whole number, got 0"),
        ("    - maxpool1d: {size: 2, stride: 0}", "stride must be a positive whole number, got 0"),
        ("    - conv1d: {filters: 4}", "missing the required key 'kernel'"),
        ("    - conv1d: {filters: 4, kernel: [3, 3]}", "kernel must be a positive whole number"),
        ("    - conv1d: {filters: 4, kernel: 3, padding: [1, 2]}", "padding of a 1-D layer is valid, same or one number"),
        ("    - conv1d: {filters: 4, kernel: 3, padding: full}", "padding must be valid, same"),
        ("    - conv1d: {filters: 0, kernel: 3}", "filters must be a positive whole number, got 0"),
        ("    - conv1d: {filters: 4, kernel: 3, dilation: 0}", "dilation must be a positive whole number, got 0"),
        ("    - global_maxpool1d: {size: 2}", "size"),
    ])
    func badKeysAreOneLineAtTheKey(layer: String, message: String) {
        let error = Self.configError { _ = try Self.graph(input: "[8, 3]", layer) }
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
        #expect(error?.description.contains("\n") == false)
        #expect(error?.location?.line == 4)
    }
}
