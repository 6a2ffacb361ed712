import DLTCore
import DLTNN
import DLTTestSupport
import Testing

struct GlobalAvgPool1DTests {
    /// (N, L, D) -> (N, D): the mean of the L rows of each sample.
    @Test func forwardAveragesOverTheSequence() throws {
        let y = try forwardOnce(GlobalAvgPool1D(name: "g"), inputShapes: [[3, 2]], batch: 1,
                                values: [[1, 10, 2, 20, 6, 60]])
        #expect(y.shape == [1, 2])
        #expect(y.array == [3, 30])
    }

    @Test(arguments: [[5, 3] as Shape, [1, 4], [7, 1]])
    func gradients(input: Shape) throws {
        var check = GradientCheck()
        check.batch = 3
        try check.expectCorrect(GlobalAvgPool1D(name: "global_avgpool1d_0"), inputShapes: [input])
    }

    @Test func rejectsAnImageNamingTheLayer() {
        let error = engineError { _ = try GlobalAvgPool1D(name: "mean_seq").build(inputShapes: [[1, 4, 4]]) }
        #expect(error?.message.contains("mean_seq") == true)
    }
}

struct MaskedGlobalAvgPool1DTests {
    /// The mean over real positions only; a sequence of padding only gives 0.
    @Test func meanOverRealPositions() throws {
        let layer = GlobalAvgPool1D(name: "g")
        layer.useMask(sequenceMask([[1, 0, 1], [0, 0, 0]]))
        let y = try forwardOnce(layer, inputShapes: [[3, 2]], batch: 2,
                                values: [[1, 10, 100, 100, 5, 30, /* second */ 3, 4, 5, 6, 7, 8]])
        #expect(y.array == [3, 20, 0, 0])
    }

    /// A mask of ones gives the unmasked mean bit for bit.
    @Test func maskOfOnesIsThePlainMean() throws {
        var random = SeededRandom(seed: 5)
        let x = (0..<(4 * 7 * 3)).map { _ in random.uniform(-1, 1) }
        let plain = try forwardOnce(GlobalAvgPool1D(name: "g"), inputShapes: [[7, 3]], batch: 4, values: [x])
        let layer = GlobalAvgPool1D(name: "g")
        layer.useMask(Tensor(shape: [4, 7], repeating: 1))
        let masked = try forwardOnce(layer, inputShapes: [[7, 3]], batch: 4, values: [x])
        #expect(masked.array == plain.array)
    }

    @Test func maskedGradients() throws {
        let layer = GlobalAvgPool1D(name: "global_avgpool1d_0")
        layer.useMask(sequenceMask([[1, 1, 1, 0, 0], [0, 1, 0, 1, 1], [0, 0, 0, 0, 0]]))
        var check = GradientCheck()
        check.batch = 3
        try check.expectCorrect(layer, inputShapes: [[5, 4]])
    }
}
