import DLTCore
import DLTNN
import DLTTestSupport
import Testing

/// An (N, L) mask: 1 at real positions, 0 at padding.
func sequenceMask(_ rows: [[Float]]) -> Tensor {
    Tensor(shape: [rows.count, rows[0].count], values: rows.flatMap { $0 })
}

struct GlobalMaxPool1DTests {
    @Test func forwardTakesTheMaximumOverTheSequence() throws {
        let y = try forwardOnce(GlobalMaxPool1D(name: "g"), inputShapes: [[3, 2]], batch: 1, values: [[1, -10, 7, -20, 6, -5]])
        #expect(y.shape == [1, 2])
        #expect(y.array == [7, -5])
    }

    /// Padded positions never win; a sequence of padding only gives 0.
    @Test func maskedForwardSkipsPadding() throws {
        let layer = GlobalMaxPool1D(name: "g")
        layer.useMask(sequenceMask([[1, 1, 0], [0, 0, 0]]))
        let y = try forwardOnce(layer, inputShapes: [[3, 2]], batch: 2,
                                values: [[1, -10, -7, -20, 60, 50, /* second */ 3, 4, 5, 6, 7, 8]])
        #expect(y.array == [1, -10, 0, 0])
    }

    @Test(arguments: [[5, 3] as Shape, [1, 4], [7, 1]])
    func gradients(input: Shape) throws {
        var check = GradientCheck()
        check.batch = 3
        check.inputs = .spaced(0.05)
        try check.expectCorrect(GlobalMaxPool1D(name: "global_maxpool1d_0"), inputShapes: [input])
    }

    /// Masked: a sample with padding at the end, one with padding first, one all padding.
    @Test func maskedGradients() throws {
        let layer = GlobalMaxPool1D(name: "global_maxpool1d_0")
        layer.useMask(sequenceMask([[1, 1, 1, 0, 0], [0, 1, 0, 1, 1], [0, 0, 0, 0, 0]]))
        var check = GradientCheck()
        check.batch = 3
        check.inputs = .spaced(0.05)
        let report = try check.expectCorrect(layer, inputShapes: [[5, 4]])
        #expect(report.checked > 0)
    }

    @Test func rejectsAnImageNamingTheLayer() {
        let error = engineError { _ = try GlobalMaxPool1D(name: "max_seq").build(inputShapes: [[1, 4, 4]]) }
        #expect(error?.message.contains("max_seq") == true)
    }
}
