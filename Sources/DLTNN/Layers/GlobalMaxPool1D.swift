import DLTCore

/// Maximum over the sequence: x (N, L, C) -> y (N, C), Keras' GlobalMaxPooling1D (PyTorch:
/// x.amax(dim=1)). With a sequence mask (N, L) (`embedding: {mask_zero: true}` upstream), padded
/// positions (mask 0) are left out, and a sequence with no real position gives 0 (no gradient).
/// Backward routes each output gradient to the position of its maximum (the first one on ties).
public final class GlobalMaxPool1D: Layer, SequenceMaskConsumer {
    public let name: String
    public var typeName: String { "global_maxpool1d" }
    public var parameters: [Parameter] { [] }
    public private(set) var length = 0
    public private(set) var channels = 0
    /// (N, L), 1 at real positions; nil without a mask.
    public private(set) var mask: Tensor?
    /// The position of each output's maximum, -1 for an all-padding sequence: (N, C).
    private var argmax = UnsafeMutableBufferPointer<Int32>.allocate(capacity: 0)

    public init(name: String) { self.name = name }

    deinit { argmax.deallocate() }

    public func useMask(_ mask: Tensor?) { self.mask = mask }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try expectInputs(inputShapes, count: 1)
        try expectSequence(inputShapes[0], imageLayer: nil)
        let s = inputShapes[0]
        guard s.count > 0 else { throw EngineError("layer '\(name)' (global_maxpool1d): empty input \(s)") }
        length = s[0]; channels = s[1]
        return [channels]
    }

    public var flopsPerSample: Int { length * channels }

    public func forward(inputs: [Tensor], output: Tensor, context: LayerContext) {
        let x = inputs[0], n = x.shape[0], l = length, c = channels
        if argmax.count < output.count {
            argmax.deallocate()
            argmax = .allocate(capacity: output.count)
        }
        let indices = argmax.baseAddress!
        let realPositions: UnsafePointer<Float>? = mask.map { m in
            precondition(m.count == n * l, "layer '\(name)': mask \(m.shape) does not match the batch (\(n), \(l))")
            return UnsafePointer(m.pointer)
        }
        context.split.forEachSlice(of: n) { _, samples in
            for sample in samples {
                GlobalMaxPool1D.pool(x.pointer + sample * l * c, mask: realPositions.map { $0 + sample * l },
                                     output.pointer + sample * c, indices + sample * c, length: l, channels: c)
            }
        }
    }

    /// One sample (L, C) -> (C): a running maximum over the real rows, C lanes at a time
    /// (`RunningMaximum`).
    static func pool(_ x: UnsafePointer<Float>, mask: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>,
                     _ index: UnsafeMutablePointer<Int32>, length: Int, channels c: Int) {
        guard let first = (0..<length).first(where: { mask == nil || mask![$0] != 0 }) else {
            y.update(repeating: 0, count: c)
            index.update(repeating: -1, count: c)
            return
        }
        y.update(from: x + first * c, count: c)
        index.update(repeating: Int32(first), count: c)
        for p in (first + 1)..<length where mask == nil || mask![p] != 0 {
            RunningMaximum.fold(x + p * c, into: y, index: index, position: Int32(p), count: c)
        }
    }

    public func backward(inputs: [Tensor], output: Tensor, outputGradient: Tensor,
                         inputGradients: [Tensor?], context: LayerContext) {
        guard let dx = inputGradients[0] else { return }
        let n = inputs[0].shape[0], l = length, c = channels, indices = argmax.baseAddress!
        context.split.forEachSlice(of: n) { _, samples in
            for sample in samples {
                let dst = dx.pointer + sample * l * c, gy = outputGradient.pointer + sample * c, at = indices + sample * c
                dst.update(repeating: 0, count: l * c)
                for ch in 0..<c where at[ch] >= 0 { dst[Int(at[ch]) * c + ch] = gy[ch] }
            }
        }
    }
}
