@testable import DLTConfig
import DLTTrain
import Testing

@Suite("Layer names, inputs and per-layer options")
struct LayerGraphTests {
    @Test func residualBlockWithNamedInputs() throws {
        let config = try ModelConfig.parse(text: configWithLayers("""
            - conv2d: {filters: 8, kernel: 3, padding: same, name: stem}
            - conv2d: {filters: 8, kernel: [3, 1], padding: [1, 0], activation: relu}
            - add: {inputs: [stem, conv2d_1]}
            - concat: {inputs: [add_2, input], axis: -3}
            - global_avgpool2d
            - dense: {units: 2, init: {name: normal, std: 0.02}, inputs: global_avgpool2d_4}
        """), file: "res.yaml")
        let layers = config.layers
        #expect(layers.map(\.name) == ["stem", "conv2d_1", "add_2", "concat_3", "global_avgpool2d_4", "dense_5"])
        #expect(layers[0].string("padding") == "same")
        #expect(layers[1].intPair("kernel")! == (3, 1))
        #expect(layers[1].intPair("padding")! == (1, 0))
        #expect(layers[2].inputs == ["stem", "conv2d_1"])
        #expect(layers[3].inputs == ["add_2", "input"])
        #expect(layers[3].int("axis") == -3)
        #expect(layers[3].sampleAxis() == -3)
        #expect(layers[5].inputs == ["global_avgpool2d_4"])
        #expect(layers[5].initializer == .normal(std: 0.02))
        #expect(layers[2].location(of: "inputs") == DLTConfig.SourceLocation(line: 6, column: 21))
        #expect(layers[4].location(of: "inputs") == layers[4].location)
        #expect(config.layer(named: "stem")?.type == "conv2d")
    }

    @Test func concatAxisDefaultsToChannels() throws {
        let config = try ModelConfig.parse(text: configWithLayers("""
            - dense: {units: 3, name: a}
            - dense: {units: 3, name: b, inputs: input}
            - concat: {inputs: [a, b]}
        """), file: "c.yaml")
        #expect(config.layers[2].int("axis") == 1)
        #expect(config.layers[2].sampleAxis() == 0)
    }

    @Test func reshapeAndEmbedding() throws {
        let config = try ModelConfig.parse(text: "model:\n  input: 100\n  layers:\n" + """
            - embedding: {vocab: 10000, dim: 128}
            - global_avgpool1d
            - reshape: {shape: [-1, 4]}
            - dense: {units: 1, activation: sigmoid, init: {name: constant, value: 0.5}}
        """, file: "text.yaml")
        #expect(config.input == [100])
        #expect(config.layers[0].int("vocab") == 10000 && config.layers[0].int("dim") == 128)
        #expect(config.layers[2].intList("shape") == [-1, 4])
        #expect(config.layers[3].initializer == .constant(0.5))
    }

    @Test(arguments: [
        ("    - reshape: {shape: [-1, -1]}", "may contain -1 (inferred size) only once"),
        ("    - reshape: {shape: [4, 0]}", "sizes must be positive"),
        ("    - concat: {inputs: [input, input], axis: 0}", "axis 0 is the batch"),
        ("    - conv_transpose2d: {filters: 1, kernel: 2, stride: 2, output_padding: 2}", "output_padding must be smaller than stride"),
        ("    - dense: {units: 1, init: {name: he_normal, std: 0.1}}", "std applies only to the 'normal' init"),
        ("    - batchnorm: {momentum: 1.5}", "momentum must be in [0, 1], got 1.5"),
        ("    - embedding: {vocab: 0, dim: 4}", "vocab must be a positive whole number, got 0"),
        ("    - maxpool2d: {size: 2, stride: 0}", "stride must be a positive whole number, got 0"),
    ])
    func layerSpecificChecks(layer: String, message: String) {
        let error = configError(configWithLayers(layer))
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
        #expect(error?.location?.line == 4)
    }
}
