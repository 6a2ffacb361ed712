import DLTCore

/// Max pooling along a sequence, PyTorch's nn.MaxPool1d (no padding, floor output length) on
/// channels-last data: x (N, L, C) -> y (N, L', C), L' = (L - size) / stride + 1. Forward
/// records the position each maximum came from; backward routes each output gradient there.
public final class MaxPool1D: Layer {
    public let name: String
    public var typeName: String { "maxpool1d" }
    public let size: Int
    public let stride: Int
    public private(set) var window: SequenceWindow!
    public var parameters: [Parameter] { [] }
    /// The input position of each output's maximum: (N, L', C).
    private var argmax = UnsafeMutableBufferPointer<Int32>.allocate(capacity: 0)

    public init(name: String, size: Int = 2, stride: Int? = nil) {
        self.name = name; self.size = size; self.stride = stride ?? size
    }

    deinit { argmax.deallocate() }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try expectInputs(inputShapes, count: 1)
        try expectSequence(inputShapes[0], imageLayer: "maxpool2d")
        let s = inputShapes[0]
        window = try SequenceWindow(layer: "layer '\(name)' (maxpool1d)", length: s[0], channels: s[1],
                                    kernel: size, stride: stride)
        return [window.outLength, window.channels]
    }

    public var flopsPerSample: Int { window.outLength * window.channels * size }

    public func forward(inputs: [Tensor], output: Tensor, context: LayerContext) {
        let x = inputs[0], n = x.shape[0], w = window!
        if argmax.count < output.count {
            argmax.deallocate()
            argmax = .allocate(capacity: output.count)
        }
        let indices = argmax.baseAddress!
        context.split.forEachSlice(of: n) { _, samples in
            for sample in samples {
                let src = x.pointer + sample * w.length * w.channels, o = sample * w.outLength * w.channels
                MaxPool1D.pool(src, output.pointer + o, indices + o, w)
            }
        }
    }

    /// One sample: for each output position, a running maximum over the window's rows, C lanes
    /// at a time (`RunningMaximum`: the first maximum wins ties, and NaN wins, as in PyTorch).
    static func pool(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ index: UnsafeMutablePointer<Int32>,
                     _ w: SequenceWindow) {
        let c = w.channels
        for p in 0..<w.outLength {
            let first = p * w.stride, best = y + p * c, at = index + p * c
            best.update(from: x + first * c, count: c)
            at.update(repeating: Int32(first), count: c)
            for j in 1..<w.kernel {
                RunningMaximum.fold(x + (first + j) * c, into: best, index: at, position: Int32(first + j), count: c)
            }
        }
    }

    public func backward(inputs: [Tensor], output: Tensor, outputGradient: Tensor,
                         inputGradients: [Tensor?], context: LayerContext) {
        guard let dx = inputGradients[0] else { return }
        let n = inputs[0].shape[0], w = window!, c = w.channels, indices = argmax.baseAddress!
        context.split.forEachSlice(of: n) { _, samples in
            for sample in samples {
                let dst = dx.pointer + sample * w.length * c, o = sample * w.outLength * c
                dst.update(repeating: 0, count: w.length * c)
                let gy = outputGradient.pointer + o, at = indices + o
                for p in 0..<w.outLength {
                    for ch in 0..<c { dst[Int(at[p * c + ch]) * c + ch] += gy[p * c + ch] }
                }
            }
        }
    }
}
