import DLTCore
import DLTNN
import DLTTestSupport
import Testing

/// One conv1d setting: input (length, channels), filters, kernel, stride, padding, dilation.
struct Conv1DCase: CustomTestStringConvertible, Sendable {
    var length: Int, channels: Int, filters: Int, kernel: Int
    var stride = 1
    var padding = SequencePadding.valid
    var dilation = 1
    var activation = Activation.identity
    var useBias = true

    var testDescription: String {
        "L\(length) C\(channels) F\(filters) k\(kernel) s\(stride) \(padding) d\(dilation) \(activation.name)\(useBias ? "" : " no bias")"
    }

    func layer() -> Conv1D {
        Conv1D(name: "conv1d_0", filters: filters, kernel: kernel, stride: stride, padding: padding, dilation: dilation,
               activation: activation, useBias: useBias)
    }
}

struct Conv1DTests {
    /// The direct loop: y[n, p, f] = b[f] + sum_c sum_j W[f, c, j] x[n, p*s - padLeft + j*d, c].
    static func reference(_ x: [Float], batch: Int, _ layer: Conv1D) -> [Float] {
        let w = layer.window!, weight = layer.weight.value.array, bias = layer.bias?.value.array
        let l = w.length, c = w.channels, f = layer.filters, k = w.kernel
        var y = [Float](repeating: 0, count: batch * w.outLength * f)
        for n in 0..<batch {
            for p in 0..<w.outLength {
                for o in 0..<f {
                    var sum = Double(bias?[o] ?? 0)
                    for j in 0..<k {
                        let position = p * w.stride - w.padLeft + j * w.dilation
                        guard position >= 0 && position < l else { continue }
                        for ch in 0..<c {
                            sum += Double(weight[(o * c + ch) * k + j]) * Double(x[(n * l + position) * c + ch])
                        }
                    }
                    y[(n * w.outLength + p) * f + o] = Float(sum)
                }
            }
        }
        return y
    }

    static let layouts: [Conv1DCase] = [
        Conv1DCase(length: 7, channels: 3, filters: 4, kernel: 3),                                  // direct, stride 1
        Conv1DCase(length: 8, channels: 2, filters: 3, kernel: 3, stride: 2),                       // direct, stride 2
        Conv1DCase(length: 9, channels: 2, filters: 3, kernel: 3, stride: 2),                       // odd L: staged
        Conv1DCase(length: 7, channels: 3, filters: 2, kernel: 4, padding: .same),                  // staged, odd pad at the end
        Conv1DCase(length: 7, channels: 2, filters: 3, kernel: 3, stride: 2, padding: .explicit(2)),
        Conv1DCase(length: 9, channels: 2, filters: 3, kernel: 3, padding: .same, dilation: 2),     // unfolded
        Conv1DCase(length: 11, channels: 3, filters: 2, kernel: 3, stride: 2, padding: .explicit(1), dilation: 2),
        Conv1DCase(length: 5, channels: 3, filters: 4, kernel: 1),                                  // kernel 1
        Conv1DCase(length: 5, channels: 1, filters: 2, kernel: 5),                                  // one output position
        Conv1DCase(length: 6, channels: 4, filters: 3, kernel: 2, stride: 3, padding: .same, useBias: false),
        Conv1DCase(length: 5, channels: 2, filters: 3, kernel: 2, stride: 4),                       // stride > kernel
        Conv1DCase(length: 8, channels: 3, filters: 2, kernel: 2, stride: 2),                       // direct: disjoint windows
        Conv1DCase(length: 12, channels: 2, filters: 3, kernel: 3, stride: 4),                      // direct, with gaps
        Conv1DCase(length: 4, channels: 2, filters: 2, kernel: 2, padding: .explicit(3)),           // windows all padding
    ]

    @Test(arguments: layouts)
    func forwardMatchesTheDirectLoop(setting: Conv1DCase) throws {
        let layer = setting.layer(), batch = 3
        var random = SeededRandom(seed: 7)
        let x = (0..<(batch * setting.length * setting.channels)).map { _ in random.uniform(-1, 1) }
        for threads in [1, 2] {
            let y = try forwardOnce(layer, inputShapes: [[setting.length, setting.channels]], batch: batch, values: [x],
                                    threads: threads) {
                for p in layer.parameters { for i in 0..<p.value.count { p.value[i] = random.uniform(-1, 1) } }
            }
            #expect(y.shape == [batch, layer.window.outLength, setting.filters])
            #expect(allClose(y.array, Self.reference(x, batch: batch, layer), tolerance: 1e-5), "\(setting) at \(threads) threads")
        }
    }

    @Test(arguments: layouts)
    func gradients(setting: Conv1DCase) throws {
        var check = GradientCheck()
        check.batch = 3
        try check.expectCorrect(setting.layer(), inputShapes: [[setting.length, setting.channels]])
    }

    static let activations: [Conv1DCase] = [
        Conv1DCase(length: 7, channels: 2, filters: 3, kernel: 3, padding: .same, activation: .relu),
        Conv1DCase(length: 7, channels: 2, filters: 3, kernel: 3, stride: 2, activation: .tanh),
        Conv1DCase(length: 6, channels: 3, filters: 2, kernel: 2, dilation: 2, activation: .sigmoid),
        Conv1DCase(length: 5, channels: 2, filters: 3, kernel: 3, padding: .explicit(1), activation: .gelu),
        Conv1DCase(length: 5, channels: 2, filters: 4, kernel: 2, activation: .softmax),
        Conv1DCase(length: 5, channels: 2, filters: 3, kernel: 2, activation: .leakyRelu(alpha: 0.1)),
    ]

    @Test(arguments: activations)
    func gradientsThroughTheActivation(setting: Conv1DCase) throws {
        var check = GradientCheck()
        check.batch = 3
        try check.expectCorrect(setting.layer(), inputShapes: [[setting.length, setting.channels]])
    }

    /// Long sequences run in several chunks per thread slice (and chunks of unequal size).
    @Test(arguments: [SequencePadding.valid, .same])
    func severalChunksPerSlice(padding: SequencePadding) throws {
        // 151 positions x 320 floats per window: two samples per chunk of `Conv1D.chunkFloats`.
        var setting = Conv1DCase(length: 151, channels: 64, filters: 8, kernel: 5, padding: padding)
        var check = GradientCheck()
        check.batch = 5
        check.maxChecksPerTensor = 24
        try check.expectCorrect(setting.layer(), inputShapes: [[setting.length, setting.channels]])
        setting.activation = .relu
        let layer = setting.layer(), batch = 5
        var random = SeededRandom(seed: 3)
        let x = (0..<(batch * setting.length * setting.channels)).map { _ in random.uniform(-1, 1) }
        let y = try forwardOnce(layer, inputShapes: [[setting.length, setting.channels]], batch: batch, values: [x]) {
            for p in layer.parameters { for i in 0..<p.value.count { p.value[i] = random.uniform(-0.3, 0.3) } }
        }
        let expected = Self.reference(x, batch: batch, layer).map { max($0, 0) }
        #expect(allClose(y.array, expected, tolerance: 1e-4))
    }

    @Test func parametersUsePyTorchLayoutAndFans() throws {
        let layer = Conv1D(name: "c", filters: 5, kernel: 3)
        #expect(try layer.build(inputShapes: [[10, 4]]) == [8, 5])
        #expect(layer.parameters.map(\.name) == ["weight", "bias"])
        #expect(layer.weight.shape == [5, 4, 3] && layer.bias?.shape == [5])
        #expect(layer.parameterInits[0].fanIn == 12 && layer.parameterInits[0].fanOut == 15)
        #expect(layer.flopsPerSample == 2 * 5 * 12 * 8)
    }

    @Test(arguments: [
        (SequencePadding.same, 1, 10), (.same, 3, 4), (.explicit(2), 2, 6), (.valid, 2, 4),
    ])
    func outputLength(padding: SequencePadding, stride: Int, expected: Int) throws {
        let layer = Conv1D(name: "c", filters: 1, kernel: 3, stride: stride, padding: padding)
        #expect(try layer.build(inputShapes: [[10, 2]]) == [expected, 1])
    }

    @Test func rejectsAnImageAndAKernelLongerThanTheSequence() {
        let image = engineError { _ = try Conv1D(name: "seq_conv", filters: 2, kernel: 3).build(inputShapes: [[1, 28, 28]]) }
        #expect(image?.message.contains("seq_conv") == true && image?.message.contains("(length, channels)") == true)
        let long = engineError { _ = try Conv1D(name: "seq_conv", filters: 2, kernel: 9).build(inputShapes: [[5, 3]]) }
        #expect(long?.message.contains("longer than the sequence of length 5") == true, "\(String(describing: long))")
        let dilated = engineError {
            _ = try Conv1D(name: "seq_conv", filters: 2, kernel: 3, dilation: 3).build(inputShapes: [[6, 3]])
        }
        #expect(dilated?.message.contains("spanning 7") == true, "\(String(describing: dilated))")
    }
}
