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
