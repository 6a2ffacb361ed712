import DLTCore
import DLTNN
import DLTTestSupport
import Testing

struct MaxPool1DTests {
    /// (N, L, C) -> (N, L', C): the maximum of each window, per channel.
    @Test func forwardTakesTheWindowMaximumPerChannel() throws {
        // L = 5, C = 2, size 2: floor(5 / 2) = 2 windows; the last position is dropped, as PyTorch.
        let y = try forwardOnce(MaxPool1D(name: "p"), inputShapes: [[5, 2]], batch: 1,
                                values: [[1, -1, 3, -2, 0, 5, 2, 4, 9, 9]])
        #expect(y.shape == [1, 2, 2])
        #expect(y.array == [3, -1, 2, 5])
    }

    @Test(arguments: [(2, nil as Int?, 7, 3), (3, 2, 9, 4), (1, nil, 4, 4), (3, 1, 5, 3), (2, 3, 8, 3), (4, 2, 4, 1)])
    func gradients(size: Int, stride: Int?, length: Int, outLength: Int) throws {
        let layer = MaxPool1D(name: "maxpool1d_0", size: size, stride: stride)
        #expect(try layer.build(inputShapes: [[length, 3]]) == [outLength, 3])
        var check = GradientCheck()
        check.batch = 3
        check.inputs = .spaced(0.05)
        try check.expectCorrect(MaxPool1D(name: "maxpool1d_0", size: size, stride: stride), inputShapes: [[length, 3]])
    }

    @Test func overlappingWindowsAddTheirGradients() throws {
        // size 3, stride 1 over [0, 5, 1, 2]: both windows pick position 1.
        let layer = MaxPool1D(name: "p", size: 3, stride: 1)
        let output = try forwardOnce(layer, inputShapes: [[4, 1]], batch: 1, values: [[0, 5, 1, 2]])
        #expect(output.array == [5, 5])
        let dx = Tensor(shape: [1, 4, 1])
        layer.backward(inputs: [Tensor(shape: [1, 4, 1], values: [0, 5, 1, 2])], output: output,
                       outputGradient: Tensor(shape: [1, 2, 1], values: [1, 10]), inputGradients: [dx],
                       context: LayerContext(split: ThreadSplit(threads: 1), training: true))
        #expect(dx.array == [0, 11, 0, 0])
    }

    @Test func rejectsAnImageAndAWindowLongerThanTheSequence() {
        let image = engineError { _ = try MaxPool1D(name: "pool_seq").build(inputShapes: [[1, 8, 8]]) }
        #expect(image?.message.contains("pool_seq") == true && image?.message.contains("(length, channels)") == true)
        let long = engineError { _ = try MaxPool1D(name: "pool_seq", size: 4).build(inputShapes: [[3, 2]]) }
        #expect(long?.message.contains("window 4 is longer than the sequence of length 3") == true, "\(String(describing: long))")
    }
}
