import DLTCore
import DLTNN
import DLTTestSupport
import Testing

struct ReshapeTests {
    @Test func infersOneMinusOneDimension() throws {
        #expect(try Reshape(name: "r", shape: [2, -1]).build(inputShapes: [[12]]) == [2, 6])
        #expect(try Reshape(name: "r", shape: [-1]).build(inputShapes: [[3, 4, 5]]) == [60])
        #expect(try Reshape(name: "r", shape: [1, 4, 4]).build(inputShapes: [[16]]) == [1, 4, 4])
    }

    @Test func copiesValuesInRowMajorOrder() throws {
        let values = (0..<16).map(Float.init)
        let y = try forwardOnce(Reshape(name: "r", shape: [2, 2, 2]), inputShapes: [[8]], batch: 2, values: [values])
        #expect(y.shape == [2, 2, 2, 2])
        #expect(y.array == values)
    }

    @Test func gradients() throws {
        var check = GradientCheck()
        check.batch = 2
        try check.expectCorrect(Reshape(name: "reshape_0", shape: [3, -1]), inputShapes: [[2, 3, 2]])
    }

    @Test func rejectsImpossibleShapesNamingTheLayer() {
        for shape in [[5, 5], [-1, -1], [7, -1], [0, 12], []] as [[Int]] {
            let error = engineError { _ = try Reshape(name: "to_grid", shape: shape).build(inputShapes: [[12]]) }
            #expect(error?.message.contains("'to_grid'") == true, "shape \(shape)")
        }
        let counted = engineError { _ = try Reshape(name: "to_grid", shape: [5, 5]).build(inputShapes: [[12]]) }
        #expect(counted?.message.contains("12 elements") == true)
    }
}
