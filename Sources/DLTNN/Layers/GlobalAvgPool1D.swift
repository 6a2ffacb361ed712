import DLTCore

/// Mean over the sequence: x (N, L, D) -> y (N, D), Keras' GlobalAveragePooling1D on the
/// (length, features) output of an embedding (PyTorch: x.mean(dim=1)). With a sequence mask
/// (N, L) (`embedding: {mask_zero: true}` upstream), the mean is over the real positions only
/// (mask ≠ 0), as Keras' layer with a mask; a sequence with no real position gives 0.
public final class GlobalAvgPool1D: Layer, SequenceMaskConsumer, FusibleLayer {
    public let name: String
    public var typeName: String { "global_avgpool1d" }
    public var parameters: [Parameter] { [] }
    public private(set) var length = 0
    public private(set) var features = 0
    /// (N, L), 1 at real positions; nil without a mask (then the plain mean, `GlobalMean`).
    public private(set) var mask: Tensor?

    public init(name: String) { self.name = name }

    public func useMask(_ mask: Tensor?) { self.mask = mask }

    public var fusibleOperation: FusibleOperation? { .sequenceMean }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try expectInputs(inputShapes, count: 1)
        try expectRank(inputShapes[0], 2, what: "a sequence (length, features)")
        let s = inputShapes[0]
        guard s.count > 0 else { throw EngineError("layer '\(name)' (global_avgpool1d): empty input \(s)") }
        length = s[0]; features = s[1]
        return [features]
    }

    public var flopsPerSample: Int { length * features }

    public func forward(inputs: [Tensor], output: Tensor, context: LayerContext) {
        let n = inputs[0].shape[0]
        guard let mask = realPositions(n) else {
            GlobalMean.forward(inputs[0].pointer, output.pointer, groups: n, reduced: length, inner: features,
                               split: context.split)
            return
        }
        let x = inputs[0].pointer, y = output.pointer, l = length, d = features
        context.split.forEachSlice(of: n) { _, samples in
            for sample in samples {
                let src = x + sample * l * d, dst = y + sample * d, m = mask + sample * l
                dst.update(repeating: 0, count: d)
                var real = 0
                for p in 0..<l where m[p] != 0 {
                    real += 1
                    let row = src + p * d
                    for i in 0..<d { dst[i] += row[i] }
                }
                let scale = 1 / Float(max(real, 1))
                for i in 0..<d { dst[i] *= scale }
            }
        }
    }

    public func backward(inputs: [Tensor], output: Tensor, outputGradient: Tensor,
                         inputGradients: [Tensor?], context: LayerContext) {
        guard let dx = inputGradients[0] else { return }
        let n = dx.shape[0]
        guard let mask = realPositions(n) else {
            GlobalMean.backward(outputGradient.pointer, dx.pointer, groups: n, reduced: length, inner: features,
                                split: context.split)
            return
        }
        let gy = outputGradient.pointer, l = length, d = features
        context.split.forEachSlice(of: n) { _, samples in
            for sample in samples {
                let src = gy + sample * d, dst = dx.pointer + sample * l * d, m = mask + sample * l
                var real = 0
                for p in 0..<l where m[p] != 0 { real += 1 }
                let scale = 1 / Float(max(real, 1))
                for p in 0..<l {
                    let row = dst + p * d
                    if m[p] != 0 {
                        for i in 0..<d { row[i] = src[i] * scale }
                    } else {
                        row.update(repeating: 0, count: d)
                    }
                }
            }
        }
    }

    /// The mask's values for a batch of `n`, or nil without a mask.
    private func realPositions(_ n: Int) -> UnsafePointer<Float>? {
        guard let mask else { return nil }
        precondition(mask.count == n * length, "layer '\(name)': mask \(mask.shape) does not match the batch (\(n), \(length))")
        return UnsafePointer(mask.pointer)
    }
}
