import DLTCore
import DLTNN
import DLTTestSupport
import Testing

struct Conv2DTests {
    /// A 2x2 kernel of ones over a 3x3 image 1...9 sums each 2x2 window, plus the bias.
    @Test func forwardSumsWindows() throws {
        let conv = Conv2D(name: "c", filters: 1, kernel: (2, 2))
        let y = try forwardOnce(conv, inputShapes: [[1, 3, 3]], batch: 1, values: [(1...9).map(Float.init)]) {
            conv.weight.value.fill(1); conv.bias!.value[0] = 0.5
        }
        #expect(y.shape == [1, 1, 2, 2])
        #expect(y.array == [12.5, 16.5, 24.5, 28.5])
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let input: Shape, filters: Int, kernel: (Int, Int), stride: (Int, Int)
        let padding: Padding, dilation: (Int, Int), activation: Activation
        var testDescription: String { "\(input) k\(kernel) s\(stride) \(padding) d\(dilation) \(activation.name)" }
    }

    static let cases: [Case] = [
        Case(input: [2, 5, 5], filters: 3, kernel: (3, 3), stride: (1, 1), padding: .valid, dilation: (1, 1), activation: .identity),
        Case(input: [3, 7, 6], filters: 2, kernel: (3, 3), stride: (2, 2), padding: .explicit(height: 1, width: 1), dilation: (1, 1), activation: .identity),
        Case(input: [2, 7, 7], filters: 2, kernel: (3, 3), stride: (1, 1), padding: .valid, dilation: (2, 2), activation: .tanh),
        Case(input: [1, 6, 7], filters: 3, kernel: (2, 3), stride: (2, 1), padding: .same, dilation: (1, 1), activation: .relu),
        Case(input: [2, 5, 4], filters: 2, kernel: (1, 2), stride: (1, 2), padding: .explicit(height: 2, width: 0), dilation: (1, 1), activation: .sigmoid),
        // Stride 1 with at most 32 filters and channels runs the shifted-plane path: filters not
        // a multiple of its 4-channel block, same padding only after (kernel 2), a 1-wide plane row.
        Case(input: [3, 6, 5], filters: 5, kernel: (2, 2), stride: (1, 1), padding: .same, dilation: (1, 1), activation: .tanh),
        Case(input: [2, 4, 1], filters: 6, kernel: (3, 1), stride: (1, 1), padding: .same, dilation: (1, 1), activation: .identity),
        // 40 input channels (up to 64 take the shifted planes), rows shorter than a vector.
        Case(input: [40, 4, 3], filters: 3, kernel: (3, 3), stride: (1, 1), padding: .same, dilation: (1, 1), activation: .identity),
        // 16 x 26 x 32 padded floats and 16 dZ planes per image: backward's 65,536-float budget
        // holds 2 images, so dW sums the batch of 3 as a group of 2, then 1.
        Case(input: [16, 24, 30], filters: 16, kernel: (3, 3), stride: (1, 1), padding: .same, dilation: (1, 1), activation: .tanh),
        // 33-64 filters take the shifted planes only on planes of 100 pixels or more: 10x10 does.
        Case(input: [2, 10, 10], filters: 40, kernel: (3, 3), stride: (1, 1), padding: .same, dilation: (1, 1), activation: .identity),
        // Forward runs filter lanes (FilterLaneConvolution) where they compute fewer outputs than
        // the virtual rows: 20 filters (a partial 16-filter block) on 5x4 valid outputs (20
        // pixels, the last block of 6 repeated), and 64 filters on 3x3 (32-filter x 3-pixel blocks, 9
        // pixels not padded to 12), whose backward is sgemm's.
        Case(input: [8, 7, 6], filters: 20, kernel: (3, 3), stride: (1, 1), padding: .valid, dilation: (1, 1), activation: .tanh),
        Case(input: [36, 5, 5], filters: 64, kernel: (3, 3), stride: (1, 1), padding: .valid, dilation: (1, 1), activation: .tanh),
        // dX by filter lanes too (16 input channels, 54 filter-taps), same padding: its pixels
        // start at the padded plane's left border.
        Case(input: [16, 9, 7], filters: 6, kernel: (3, 3), stride: (1, 1), padding: .same, dilation: (1, 1), activation: .tanh),
        // 5x5 does not: the im2col + sgemm path backward.
        Case(input: [2, 5, 5], filters: 34, kernel: (3, 3), stride: (1, 1), padding: .same, dilation: (1, 1), activation: .sigmoid),
        // Stride 2 keeps it on im2col: 180 x 64 = 11,520 floats of columns per image, so the
        // 131,072-float chunk holds 11 images and a batch of 3 is one chunk; stride 1 (the
        // shifted-plane path) of the same layer, on two threads against one.
        Case(input: [20, 16, 16], filters: 2, kernel: (3, 3), stride: (2, 2), padding: .same, dilation: (1, 1), activation: .tanh),
        Case(input: [20, 16, 16], filters: 2, kernel: (3, 3), stride: (1, 1), padding: .same, dilation: (1, 1), activation: .tanh),
        // GELU keeps its pre-activation: each slice and chunk must read its own images' part.
        Case(input: [2, 5, 5], filters: 3, kernel: (3, 3), stride: (1, 1), padding: .valid, dilation: (1, 1), activation: .gelu),
        Case(input: [20, 16, 16], filters: 2, kernel: (3, 3), stride: (1, 1), padding: .same, dilation: (1, 1), activation: .gelu),
    ]

    @Test(arguments: cases)
    func gradients(_ c: Case) throws {
        var check = GradientCheck()
        check.batch = 3
        let conv = Conv2D(name: "conv2d_0", filters: c.filters, kernel: c.kernel, stride: c.stride,
                          padding: c.padding, dilation: c.dilation, activation: c.activation)
        try check.expectCorrect(conv, inputShapes: [c.input])
    }

    @Test func rejectsAVectorAndAnOversizedKernelNamingTheLayer() {
        let vector = engineError { _ = try Conv2D(name: "conv_a", filters: 2, kernel: (3, 3)).build(inputShapes: [[10]]) }
        #expect(vector?.message.contains("conv_a") == true)
        let big = engineError { _ = try Conv2D(name: "conv_b", filters: 2, kernel: (5, 5)).build(inputShapes: [[1, 3, 3]]) }
        #expect(big?.message.contains("conv_b") == true)
    }
}
