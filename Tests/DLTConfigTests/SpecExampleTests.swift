@testable import DLTConfig
import DLTTrain
import Testing

@Suite("The SPEC's example config")
struct SpecExampleTests {
    let config: ModelConfig

    init() throws {
        config = try ModelConfig.parse(text: specExampleYAML, file: "configs/mnist_cnn.yaml")
    }

    @Test func topLevelValues() {
        #expect(config.name == "mnist_cnn")
        #expect(config.seed == 42)
        #expect(config.input == [1, 28, 28])
        #expect(config.loss.name == .crossEntropy)
        #expect(config.metrics == ["accuracy"])
        #expect(config.text == specExampleYAML)
        #expect(config.file == "configs/mnist_cnn.yaml")
    }

    @Test func data() throws {
        let data = try #require(config.data)
        #expect(data.format == .idx)
        #expect(data.train == .idx(.init(images: "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz",
                                         labels: "/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz")))
        #expect(data.test == .idx(.init(images: "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz",
                                        labels: "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz")))
        #expect(data.validation == nil)
        #expect(data.validationSplit == 0.1)
        #expect(data.normalize == .scale(255))
        #expect(data.classes?.count == 10)
        #expect(data.classes?.first == "T-shirt")
        #expect(config.location(ofKeyPath: "data.train") == SourceLocation(line: 5, column: 10))
    }

    @Test func layers() {
        #expect(config.layers.map(\.type) == ["conv2d", "maxpool2d", "conv2d", "maxpool2d", "flatten", "dense", "dense"])
        #expect(config.layers.map(\.name) == ["conv2d_0", "maxpool2d_1", "conv2d_2", "maxpool2d_3", "flatten_4", "dense_5", "dense_6"])
        #expect(config.layers.allSatisfy { $0.inputs == nil })
        let first = config.layers[0]
        #expect(first.int("filters") == 32)
        #expect(first.intPair("kernel")! == (3, 3))
        #expect(first.string("activation") == "relu")
        #expect(first.location == SourceLocation(line: 15, column: 7))
        #expect(first.location(of: "filters") == SourceLocation(line: 15, column: 25))
        #expect(config.layers[6].int("units") == 10)
        #expect(config.layers[6].string("activation") == "softmax")
    }

    @Test func trainingSections() {
        #expect(config.optimizer.name == .adam)
        #expect(config.optimizer.lr == 0.001)
        #expect(config.optimizer.weightDecay == 0)
        #expect(config.optimizer.algorithm == .adam(.init(beta1: 0.9, beta2: 0.999, epsilon: 1e-7)))
        #expect(config.schedule.name == .constant)
        #expect(config.train.epochs == 5)
        #expect(config.train.batchSize == 32)
        #expect(config.train.shuffle)
    }

    @Test func keyPathLocations() {
        #expect(config.location(ofKeyPath: "train.batch_size") == SourceLocation(line: 25, column: 32))
        #expect(config.location(ofKeyPath: "seed") == SourceLocation(line: 2, column: 7))
        #expect(config.location(ofKeyPath: "model.layers.5") == SourceLocation(line: 20, column: 7))
        #expect(config.location(ofKeyPath: "data.classes.1") == SourceLocation(line: 11, column: 22))
        #expect(config.location(ofKeyPath: "train.nothing") == nil)
    }
}
