import DLTCore
import DLTNN
import DLTTestSupport
import Testing

struct AddTests {
    @Test func sumsEveryInput() throws {
        let y = try forwardOnce(Add(name: "sum"), inputShapes: [[3], [3], [3]], batch: 1,
                                values: [[1, 2, 3], [10, 20, 30], [-1, 0.5, 100]])
        #expect(y.array == [10, 22.5, 133])
    }

    @Test func gradients() throws {
        var check = GradientCheck()
        check.batch = 3
        try check.expectCorrect(Add(name: "add_0"), inputShapes: [[2, 3, 3], [2, 3, 3]])
        try check.expectCorrect(Add(name: "add_1"), inputShapes: [[5], [5], [5]])
    }

    @Test func rejectsMismatchedShapesNamingLayerAndShapes() {
        let error = engineError { _ = try Add(name: "residual").build(inputShapes: [[2, 4, 4], [2, 3, 3]]) }
        #expect(error?.message.contains("'residual'") == true)
        #expect(error?.message.contains("(2, 4, 4)") == true)
        #expect(error?.message.contains("(2, 3, 3)") == true)
        let single = engineError { _ = try Add(name: "residual").build(inputShapes: [[4]]) }
        #expect(single?.message.contains("at least 2") == true)
    }
}
