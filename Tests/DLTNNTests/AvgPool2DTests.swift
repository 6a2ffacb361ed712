import DLTCore
import DLTNN
import DLTTestSupport
import Testing

struct AvgPool2DTests {
    @Test func forwardAveragesWindows() throws {
        let y = try forwardOnce(AvgPool2D(name: "p", size: (2, 2)), inputShapes: [[1, 4, 4]], batch: 1,
                                values: [(0..<16).map(Float.init)])
        #expect(y.array == [2.5, 4.5, 10.5, 12.5])
    }

    /// PyTorch's count_include_pad=True: padded zeros count, so a corner window of ones over
    /// 2x2 ones with padding 1 (one real pixel of four) averages 0.25.
    @Test func explicitPaddingCountsPaddedZeros() throws {
        let pool = AvgPool2D(name: "p", size: (2, 2), stride: (1, 1), padding: .explicit(height: 1, width: 1))
        let y = try forwardOnce(pool, inputShapes: [[1, 2, 2]], batch: 1, values: [[1, 1, 1, 1]])
        #expect(y.array == [0.25, 0.5, 0.25, 0.5, 1, 0.5, 0.25, 0.5, 0.25])
    }

    /// Keras' padding="same": only pixels inside the image count, so ones stay ones.
    @Test func samePaddingCountsOnlyImagePixels() throws {
        let pool = AvgPool2D(name: "p", size: (2, 2), padding: .same)
        let y = try forwardOnce(pool, inputShapes: [[1, 3, 3]], batch: 1, values: [Array(repeating: 1, count: 9)])
        #expect(y.shape == [1, 1, 2, 2])
        #expect(y.array == [1, 1, 1, 1])
    }

    @Test(arguments: [
        ([2, 6, 6] as Shape, (2, 2), (2, 2), Padding.valid),
        ([1, 7, 5], (3, 3), (2, 2), .explicit(height: 1, width: 1)),
        ([3, 5, 7], (2, 3), (1, 2), .same),
    ] as [(Shape, (Int, Int), (Int, Int), Padding)])
    func gradients(input: Shape, size: (Int, Int), stride: (Int, Int), padding: Padding) throws {
        var check = GradientCheck()
        check.batch = 3
        try check.expectCorrect(AvgPool2D(name: "avgpool2d_0", size: size, stride: stride, padding: padding),
                                inputShapes: [input])
    }

    @Test func rejectsBadShapesNamingTheLayer() {
        let vector = engineError { _ = try AvgPool2D(name: "avg_a", size: (2, 2)).build(inputShapes: [[8]]) }
        #expect(vector?.message.contains("avg_a") == true)
        let pad = engineError {
            _ = try AvgPool2D(name: "avg_b", size: (2, 2), padding: .explicit(height: 2, width: 0)).build(inputShapes: [[1, 5, 5]])
        }
        #expect(pad?.message.contains("avg_b") == true)
    }
}
