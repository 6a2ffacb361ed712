import DLTCore
import DLTNN
import DLTTestSupport
import Testing

struct MaxPool2DTests {
    @Test func forwardTakesWindowMaxima() throws {
        let pool = MaxPool2D(name: "p", size: (2, 2))
        let y = try forwardOnce(pool, inputShapes: [[1, 4, 4]], batch: 1, values: [(0..<16).map(Float.init)])
        #expect(y.array == [5, 7, 13, 15])
    }

    @Test(arguments: [
        ([2, 6, 6] as Shape, (2, 2), (2, 2), Padding.valid),
        // The vectorised 2x2 kernel: rows of 5 and 9 windows (an overlapping last vector), odd
        // rows and columns outside every window.
        ([2, 9, 11], (2, 2), (2, 2), .valid),
        ([1, 5, 18], (2, 2), (2, 2), .valid),
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

    /// Ties go to the first maximum in row-major order, in both 2x2 paths (rows under 4
    /// windows and the vector path) and the general one, as in PyTorch.
    @Test(arguments: [(2, 2), (2, 10), (3, 3)])
    func tiesSendTheGradientToTheFirstMaximum(height: Int, width: Int) throws {
        let size = height == 3 ? (3, 3) : (2, 2)
        let pool = MaxPool2D(name: "p", size: size)
        let x = Tensor(shape: [1, 1, height, width], repeating: 1)
        let outputShape = try pool.build(inputShapes: [[1, height, width]])
        let y = Tensor(shape: outputShape.batched(1))
        let context = LayerContext(split: ThreadSplit(threads: 1), training: true)
        pool.forward(inputs: [x], output: y, context: context)
        let dy = Tensor(shape: y.shape, repeating: 1)
        let dx = Tensor(shape: x.shape, repeating: -1)
        pool.backward(inputs: [x], output: y, outputGradient: dy, inputGradients: [dx], context: context)
        for h in 0..<height {
            for w in 0..<width {
                let first = h % size.0 == 0 && w % size.1 == 0 && h / size.0 < outputShape[1] && w / size.1 < outputShape[2]
                #expect(dx[h * width + w] == (first ? 1 : 0), "(\(h), \(w))")
            }
        }
    }

    @Test func rejectsAVectorNamingTheLayer() {
        let error = engineError { _ = try MaxPool2D(name: "pool_x", size: (2, 2)).build(inputShapes: [[8]]) }
        #expect(error?.message.contains("pool_x") == true)
    }
}
