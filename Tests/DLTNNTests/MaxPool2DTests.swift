import DLTCore
import DLTNN
import Testing

struct MaxPool2DTests {
    @Test func forwardTakesWindowMaxima() throws {
        let pool = MaxPool2D(name: "p", size: (2, 2))
        let y = try forwardOnce(pool, inputShapes: [[1, 4, 4]], batch: 1, values: [(0..<16).map(Float.init)])
        #expect(y.array == [5, 7, 13, 15])
    }

    @Test(arguments: [
        ([2, 6, 6] as Shape, (2, 2), (2, 2), Padding.valid),
        ([1, 7, 5], (3, 3), (2, 2), .explicit(height: 1, width: 1)),
        ([3, 5, 7], (2, 3), (1, 2), .same),
    ] as [(Shape, (Int, Int), (Int, Int), Padding)])
    func gradients(input: Shape, size: (Int, Int), stride: (Int, Int), padding: Padding) throws {
        var check = GradientCheck()
        check.batch = 3
        check.inputs = .spaced(0.05)
        try check.expectCorrect(MaxPool2D(name: "maxpool2d_0", size: size, stride: stride, padding: padding),
                                inputShapes: [input])
    }

    @Test func rejectsAVectorNamingTheLayer() {
        let error = engineError { _ = try MaxPool2D(name: "pool_x", size: (2, 2)).build(inputShapes: [[8]]) }
        #expect(error?.message.contains("pool_x") == true)
    }
}
