import DLTCore
import DLTNN
import DLTTestSupport
import Testing

struct ConvTranspose2DTests {
    /// Kernel 2, stride 2, weights of ones: every input pixel becomes a 2x2 block (the
    /// autoencoder's upsampling decoder).
    @Test func stride2KernelOfOnesUpsamplesBlocks() throws {
        let up = ConvTranspose2D(name: "up", filters: 1, kernel: (2, 2), stride: (2, 2))
        let y = try forwardOnce(up, inputShapes: [[1, 2, 2]], batch: 1, values: [[1, 2, 3, 4]]) {
            up.weight.value.fill(1); up.bias!.value[0] = 0.5
        }
        #expect(y.shape == [1, 1, 4, 4])
        #expect(y.array == [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4].map { $0 + 0.5 })
    }

    @Test func outputSizeFollowsPyTorch() throws {
        // out = (H-1)*s - 2p + k + output_padding
        let layer = ConvTranspose2D(name: "t", filters: 4, kernel: (3, 2), stride: (2, 3),
                                    padding: (1, 0), outputPadding: (1, 2))
        #expect(try layer.build(inputShapes: [[2, 5, 4]]) == [4, 10, 13])
        #expect(layer.weight.shape == [2, 4, 3, 2])
    }

    /// A transposed convolution is the adjoint of the convolution with the same kernel, stride and
    /// padding: <convT(x), y> = <x, conv(y)>, conv's weight [out = Cin, in = Cout, kh, kw] being
    /// convT's [Cin, Cout, kh, kw] unchanged.
    @Test(arguments: [((2, 2), (2, 2), (0, 0), (0, 0)), ((3, 3), (2, 2), (1, 1), (1, 1)),
                      ((3, 2), (1, 2), (1, 0), (0, 1)), ((1, 1), (1, 1), (0, 0), (0, 0))])
    func isTheAdjointOfConv2D(kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int), outputPadding: (Int, Int)) throws {
        let cin = 3, cout = 2, batch = 2
        let t = ConvTranspose2D(name: "t", filters: cout, kernel: kernel, stride: stride, padding: padding,
                                outputPadding: outputPadding, useBias: false)
        let outShape = try t.build(inputShapes: [[cin, 4, 5]])
        let conv = Conv2D(name: "c", filters: cin, kernel: kernel, stride: stride,
                          padding: .explicit(height: padding.0, width: padding.1), useBias: false)
        #expect(try conv.build(inputShapes: [outShape]) == [cin, 4, 5])
        var random = SeededRandom(seed: 5)
        for i in 0..<t.weight.value.count { t.weight.value[i] = random.uniform(-1, 1) }
        conv.weight.value.copy(from: t.weight.value)
        let x = Tensor(shape: Shape([batch, cin, 4, 5])), y = Tensor(shape: outShape.batched(batch))
        for i in 0..<x.count { x[i] = random.uniform(-1, 1) }
        for i in 0..<y.count { y[i] = random.uniform(-1, 1) }
        let tx = Tensor(shape: y.shape), cy = Tensor(shape: x.shape)
        let context = LayerContext(split: ThreadSplit(threads: 1), training: true)
        t.forward(inputs: [x], output: tx, context: context)
        conv.forward(inputs: [y], output: cy, context: context)
        let left = (0..<y.count).reduce(0.0) { $0 + Double(tx[$1]) * Double(y[$1]) }
        let right = (0..<x.count).reduce(0.0) { $0 + Double(x[$1]) * Double(cy[$1]) }
        #expect(abs(left - right) < 1e-4 * max(1, abs(left)))
    }

    @Test(arguments: [
        ([2, 3, 3] as Shape, (2, 2), (2, 2), (0, 0), (0, 0), Activation.identity),
        ([3, 4, 5], (3, 3), (2, 2), (1, 1), (1, 1), .tanh),
        ([1, 5, 3], (3, 2), (1, 3), (0, 1), (0, 2), .relu),
        ([2, 2, 3], (1, 3), (3, 1), (0, 1), (2, 0), .sigmoid),
    ] as [(Shape, (Int, Int), (Int, Int), (Int, Int), (Int, Int), Activation)])
    func gradients(input: Shape, kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int),
                   outputPadding: (Int, Int), activation: Activation) throws {
        var check = GradientCheck()
        check.batch = 3
        let layer = ConvTranspose2D(name: "conv_transpose2d_0", filters: 3, kernel: kernel, stride: stride,
                                    padding: padding, outputPadding: outputPadding, activation: activation)
        try check.expectCorrect(layer, inputShapes: [input])
    }

    @Test func rejectsBadOptionsNamingTheLayer() {
        let op = engineError {
            _ = try ConvTranspose2D(name: "dec", filters: 1, kernel: (2, 2), stride: (2, 2), outputPadding: (2, 0))
                .build(inputShapes: [[1, 4, 4]])
        }
        #expect(op?.message.contains("'dec'") == true)
        #expect(op?.message.contains("output_padding") == true)
        let rank = engineError { _ = try ConvTranspose2D(name: "dec2", filters: 1, kernel: (2, 2)).build(inputShapes: [[16]]) }
        #expect(rank?.message.contains("'dec2'") == true)
        let empty = engineError {
            _ = try ConvTranspose2D(name: "dec3", filters: 1, kernel: (1, 1), padding: (1, 1)).build(inputShapes: [[1, 1, 1]])
        }
        #expect(empty?.message.contains("'dec3'") == true)
    }
}
