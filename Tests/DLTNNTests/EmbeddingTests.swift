import DLTCore
import DLTNN
import DLTTestSupport
import Testing

struct EmbeddingTests {
    /// Weight row r holds (10r, 10r + 1): ids (2, 0, 1) pick rows 2, 0, 1.
    @Test func forwardLooksUpRows() throws {
        let layer = Embedding(name: "e", vocab: 3, dim: 2)
        let y = try forwardOnce(layer, inputShapes: [[3]], batch: 2, values: [[2, 0, 1, 1, 1, 2]]) {
            for r in 0..<3 { layer.weight.value[2 * r] = Float(10 * r); layer.weight.value[2 * r + 1] = Float(10 * r + 1) }
        }
        #expect(y.shape == [2, 3, 2])
        #expect(y.array == [20, 21, 0, 1, 10, 11, 10, 11, 10, 11, 20, 21])
    }

    @Test func invalidIdsGiveZeroVectorsAndAreFound() throws {
        let layer = Embedding(name: "e", vocab: 4, dim: 2)
        let ids: [Float] = [1.2, 3.4, -1, 4, .nan, 2.6]
        let y = try forwardOnce(layer, inputShapes: [[6]], batch: 1, values: [ids]) { layer.weight.value.fill(1) }
        #expect(y.array == [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1])
        #expect(Embedding.firstInvalidId(Tensor(shape: [1, 6], values: ids), vocab: 4) == 2)
        #expect(Embedding.firstInvalidId(Tensor(shape: [2, 2], values: [0, 3, 2.4, 1]), vocab: 4) == nil)
        #expect(Embedding.firstInvalidId(Tensor(shape: [1, 2], values: [0, .infinity]), vocab: 4) == 1)
    }

    /// A small vocabulary makes ids repeat, so rows must accumulate; ids get a zero gradient.
    @Test(arguments: [(3, 4, 5), (50, 3, 1), (7, 1, 9)])
    func gradients(vocab: Int, dim: Int, length: Int) throws {
        var check = GradientCheck()
        check.batch = 3
        check.inputs = .ids(vocab: vocab)
        check.checkInputGradients = false
        try check.expectCorrect(Embedding(name: "embedding_0", vocab: vocab, dim: dim), inputShapes: [[length]])
    }

    @Test func backwardZeroesTheIdGradient() throws {
        let layer = Embedding(name: "e", vocab: 5, dim: 2)
        _ = try layer.build(inputShapes: [[2]])
        let ids = Tensor(shape: [1, 2], values: [1, 4]), dx = Tensor(shape: [1, 2], repeating: .nan)
        let output = Tensor(shape: [1, 2, 2]), gy = Tensor(shape: [1, 2, 2], values: [1, 2, 3, 4])
        let context = LayerContext(split: ThreadSplit(threads: 1), training: true)
        layer.forward(inputs: [ids], output: output, context: context)
        layer.backward(inputs: [ids], output: output, outputGradient: gy, inputGradients: [dx], context: context)
        #expect(dx.array == [0, 0])
        #expect(layer.weight.gradient.array == [0, 0, 1, 2, 0, 0, 0, 0, 3, 4])
    }

    @Test func rejectsBadShapesNamingTheLayer() {
        let rank = engineError { _ = try Embedding(name: "tokens", vocab: 10, dim: 4).build(inputShapes: [[3, 5]]) }
        #expect(rank?.message.contains("tokens") == true)
        let vocab = engineError { _ = try Embedding(name: "tokens", vocab: 0, dim: 4).build(inputShapes: [[5]]) }
        #expect(vocab?.message.contains("tokens") == true)
    }
}
