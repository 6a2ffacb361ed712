@testable import DLTConfig
import DLTTrain
import Testing

@Suite("Defaults for everything left out")
struct DefaultsTests {
    let config: ModelConfig

    init() throws {
        config = try ModelConfig.parse(text: configWithLayers("""
            - conv2d: {filters: 8, kernel: 3}
            - conv_transpose2d: {filters: 4, kernel: 2, stride: 2}
            - maxpool2d: {size: [2, 3]}
            - avgpool2d
            - batchnorm:
            - dropout: {}
            - leaky_relu
            - flatten
            - dense: {units: 10}
        """), file: "/tmp/runs/small_net.yaml")
    }

    @Test func topLevel() {
        #expect(config.name == "small_net")
        #expect(config.seed == 42)
        #expect(config.data == nil)
        #expect(config.loss.name == .crossEntropy)
        #expect(config.metrics == ["accuracy"])
    }

    @Test func optimizerIsAdamWithKerasSettings() {
        let optimizer = config.optimizer
        #expect(optimizer.name == .adam)
        #expect(optimizer.lr == 0.001)
        #expect(optimizer.algorithm == .adam(.init(beta1: 0.9, beta2: 0.999, epsilon: 1e-7)))
        #expect(optimizer.weightDecay == 0 && optimizer.clipNorm == nil)
        #expect(config.schedule.decay == .constant && config.schedule.warmupSteps == 0)
    }

    @Test func train() {
        let train = config.train
        #expect(train.epochs == 5 && train.batchSize == 32 && train.shuffle)
        #expect(train.checkpointEvery == 1 && train.freeze.isEmpty && train.onNaN == .stop)
        #expect(train.earlyStopping == nil && train.reduceLROnPlateau == nil)
    }

    @Test func convolutionDefaults() {
        let conv = config.layers[0]
        #expect(conv.intPair("stride")! == (1, 1))
        #expect(conv.intPair("dilation")! == (1, 1))
        #expect(conv.string("padding") == "valid")
        #expect(conv.intPair("padding") == nil)
        #expect(conv.string("activation") == "linear")
        #expect(conv.bool("use_bias") == true)
        #expect(conv.initializer == .glorotUniform && conv.activation == .linear)
        #expect(conv.givenKeys == ["filters", "kernel"])
        let transposed = config.layers[1]
        #expect(transposed.intPair("output_padding")! == (0, 0))
        #expect(transposed.intPair("stride")! == (2, 2))
    }

    @Test func poolStrideIsItsSize() {
        #expect(config.layers[2].intPair("size")! == (2, 3))
        #expect(config.layers[2].intPair("stride")! == (2, 3))
        #expect(config.layers[3].intPair("size")! == (2, 2))
        #expect(config.layers[3].intPair("stride")! == (2, 2))
    }

    @Test func otherLayerDefaults() {
        #expect(config.layers[4].double("momentum") == 0.1)
        #expect(config.layers[4].double("epsilon") == 1e-5)
        #expect(config.layers[5].double("rate") == 0.5)
        #expect(config.layers[6].double("alpha") == 0.01)
        #expect(config.layers[7].values.isEmpty && config.layers[7].initializer == nil)
    }
}
