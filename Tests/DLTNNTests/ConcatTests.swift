import DLTCore
import DLTNN
import DLTTestSupport
import Testing

struct ConcatTests {
    /// Axis 0 of images stacks channels: sample by sample, a's channels then b's.
    @Test func joinsChannelsPerSample() throws {
        let a: [Float] = [1, 2, 3, 4, 5, 6, 7, 8]          // (2, 1, 2, 2)
        let b: [Float] = [-1, -2, -3, -4, -5, -6, -7, -8]  // (2, 1, 2, 2)
        let layer = Concat(name: "c")
        let y = try forwardOnce(layer, inputShapes: [[1, 2, 2], [1, 2, 2]], batch: 2, values: [a, b])
        #expect(y.shape == [2, 2, 2, 2])
        #expect(y.array == [1, 2, 3, 4, -1, -2, -3, -4, 5, 6, 7, 8, -5, -6, -7, -8])
    }

    @Test func joinsAlongALaterOrNegativeAxis() throws {
        #expect(try Concat(name: "c", axis: 1).build(inputShapes: [[2, 3], [2, 4]]) == [2, 7])
        #expect(try Concat(name: "c", axis: -1).build(inputShapes: [[2, 3], [2, 4]]) == [2, 7])
        let y = try forwardOnce(Concat(name: "c", axis: 1), inputShapes: [[2, 1], [2, 2]], batch: 1,
                                values: [[1, 2], [10, 11, 20, 21]])
        #expect(y.array == [1, 10, 11, 2, 20, 21])
    }

    @Test func gradients() throws {
        var check = GradientCheck()
        check.batch = 3
        try check.expectCorrect(Concat(name: "concat_0"), inputShapes: [[2, 3, 3], [1, 3, 3], [3, 3, 3]])
        try check.expectCorrect(Concat(name: "concat_1", axis: 1), inputShapes: [[2, 3], [2, 1]])
    }

    @Test func rejectsMismatchesNamingTheLayer() {
        for shapes in [[[2, 3, 3], [2, 4, 4]], [[2, 3], [5]], [[4]]] as [[Shape]] {
            let error = engineError { _ = try Concat(name: "join").build(inputShapes: shapes) }
            #expect(error?.message.contains("'join'") == true, "\(shapes)")
        }
        let axis = engineError { _ = try Concat(name: "join", axis: 3).build(inputShapes: [[2, 3], [2, 3]]) }
        #expect(axis?.message.contains("axis 3") == true)
    }
}
