import DLTCore
import DLTNN
import DLTTestSupport
import Testing

struct GlobalAvgPool2DTests {
    @Test func forwardAveragesEachChannel() throws {
        let y = try forwardOnce(GlobalAvgPool2D(name: "g"), inputShapes: [[2, 2, 2]], batch: 2,
                                values: [[1, 2, 3, 4, 10, 10, 10, 10, 0, 0, 0, 4, -1, -2, -3, -6]])
        #expect(y.shape == [2, 2])
        #expect(y.array == [2.5, 10, 1, -3])
    }

    @Test(arguments: [[3, 4, 5] as Shape, [1, 1, 1], [2, 7, 3]])
    func gradients(input: Shape) throws {
        var check = GradientCheck()
        check.batch = 3
        try check.expectCorrect(GlobalAvgPool2D(name: "global_avgpool2d_0"), inputShapes: [input])
    }

    @Test func rejectsAVectorNamingTheLayer() {
        let error = engineError { _ = try GlobalAvgPool2D(name: "gap").build(inputShapes: [[8]]) }
        #expect(error?.message.contains("gap") == true)
    }
}
