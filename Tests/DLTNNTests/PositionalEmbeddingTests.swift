import DLTCore
import DLTNN
import DLTTestSupport
import Testing

struct PositionalEmbeddingTests {
    @Test(arguments: [Shape([5, 6]), Shape([7, 3])])
    func gradients(shape: Shape) throws {
        var check = GradientCheck()
        check.batch = 3
        try check.expectCorrect(PositionalEmbedding(name: "positional_embedding_0"), inputShapes: [shape])
    }

    @Test func addsTheTableToEverySample() throws {
        let layer = PositionalEmbedding(name: "pos")
        let y = try forwardOnce(layer, inputShapes: [[2, 2]], batch: 2, values: [[1, 2, 3, 4, 5, 6, 7, 8]]) {
            for i in 0..<4 { layer.weight.value[i] = Float(i) * 10 }
        }
        #expect(y.array == [1, 12, 23, 34, 5, 16, 27, 38])
        #expect(layer.weight.shape == [2, 2])
    }

    @Test func rejectsAVector() {
        let error = engineError { _ = try PositionalEmbedding(name: "pos_vec").build(inputShapes: [[8]]) }
        #expect(error?.message.contains("'pos_vec'") == true)
    }
}
