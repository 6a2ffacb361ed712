import DLTCore

/// Looks up a learned vector per token id: ids (N, L) -> y (N, L, dim). Weight [vocab, dim]
/// (PyTorch's nn.Embedding layout).
///
/// Ids arrive as Float values in the input tensor and are rounded to the nearest integer.
/// An id outside [0, vocab) (or not finite) gives a zero vector and no gradient rather than a
/// crash; callers that want an error check the batch first with `Embedding.firstInvalidId`.
///
/// Default initialisation: N(0, 0.05^2), close to Keras' uniform(-0.05, 0.05) in scale, which the
/// reference text models expect; PyTorch's N(0, 1) is available as `.normal(std: 1)`.
/// The ids get no gradient: `backward` fills a requested input gradient with zeros.
///
/// A graph may run the global_avgpool1d that reads it alone inside it (`absorb(.sequenceMean)`,
/// PyTorch's EmbeddingBag with mode 'mean'): forward then sums each sample's rows straight from
/// the table into its (N, dim) mean, and backward adds the mean's gradient into each token's
/// row, with the bits of the two layers apart and no (N, L, dim) buffer read or written.
public final class Embedding: InitializableLayer, TokenTableLayer, SequenceMaskProducer, AbsorbingLayer {
    public let name: String
    public var typeName: String { "embedding" }
    public let vocab: Int
    public let dim: Int
    public let weightInit: Initializer
    public private(set) var length = 0
    public private(set) var weight: Parameter!

    public var vocabularySize: Int { vocab }
    public var tokenTable: Parameter { weight }

    /// Token 0 at the end of a sequence is padding: forward marks it in `outputMask` (its vector is
    /// still looked up, as Keras does). A 0 before the last non-zero id counts as a token, so a
    /// mask is a length per sample, as PyTorch's packed sequences and ONNX's sequence_lens.
    public let maskZero: Bool
    /// (N, L): 1 at real tokens, 0 at padding; nil unless `maskZero`.
    public let outputMask: Tensor?
    /// forward writes each sample's mean row, (N, dim): a global_avgpool1d is absorbed.
    public private(set) var averagesSequence = false

    public init(name: String, vocab: Int, dim: Int, maskZero: Bool = false, weightInit: Initializer = .normal(std: 0.05)) {
        self.name = name; self.vocab = vocab; self.dim = dim; self.weightInit = weightInit
        self.maskZero = maskZero
        outputMask = maskZero ? Tensor(shape: [0]) : nil
    }

    public var parameters: [Parameter] { [weight] }
    /// PyTorch's fans for a [vocab, dim] tensor: fan_in = dim, fan_out = vocab.
    public var parameterInits: [ParameterInit] { [ParameterInit(weight, weightInit, fanIn: dim, fanOut: vocab)] }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try expectInputs(inputShapes, count: 1)
        let label = "layer '\(name)' (embedding)"
        guard vocab > 0, dim > 0 else { throw EngineError("\(label): vocab and dim must be positive, got \(vocab) and \(dim)") }
        try expectRank(inputShapes[0], 1, what: "a sequence of token ids (length)")
        length = inputShapes[0][0]
        weight = Parameter(name: "weight", shape: [vocab, dim])
        return [length, dim]
    }

    public var flopsPerSample: Int { 0 }

    /// The row of `value` when it is a valid id, else nil.
    @inline(__always)
    static func row(of value: Float, vocab: Int) -> Int? {
        guard value.isFinite else { return nil }
        let rounded = value.rounded()
        guard rounded >= 0, rounded < Float(vocab) else { return nil }
        return Int(rounded)
    }

    /// The flat index of the first element of `ids` that is not a valid id in [0, vocab), or nil.
    public static func firstInvalidId(_ ids: Tensor, vocab: Int) -> Int? {
        let p = ids.pointer
        for i in 0..<ids.count where row(of: p[i], vocab: vocab) == nil { return i }
        return nil
    }

    public func absorb(_ operation: FusibleOperation) -> Bool {
        guard operation == .sequenceMean else { return false }
        averagesSequence = true
        return true
    }

    public func forward(inputs: [Tensor], output: Tensor, context: LayerContext) {
        let ids = inputs[0].pointer, table = weight.value.pointer, y = output.pointer
        let dim = dim, vocab = vocab
        if let mask = outputMask { markPadding(ids, samples: inputs[0].shape[0], mask: mask) }
        if averagesSequence { return forwardMeans(ids, samples: inputs[0].shape[0], output: y, split: context.split) }
        context.split.forEachSlice(of: inputs[0].count) { _, tokens in
            for t in tokens {
                let dst = y + t * dim
                if let r = Embedding.row(of: ids[t], vocab: vocab) {
                    dst.update(from: table + r * dim, count: dim)
                } else {
                    dst.update(repeating: 0, count: dim)
                }
            }
        }
    }

    /// Each sample's mean row, summed in position order and then scaled, as global_avgpool1d
    /// does over the looked-up rows (an invalid id's zero row adds nothing).
    private func forwardMeans(_ ids: UnsafePointer<Float>, samples: Int, output y: UnsafeMutablePointer<Float>,
                              split: ThreadSplit) {
        let table = UnsafePointer(weight.value.pointer), dim = dim, vocab = vocab, length = length
        split.forEachSlice(of: samples) { _, range in
            for s in range {
                let dst = y + s * dim, tokens = ids + s * length, real = self.realTokens(sample: s)
                dst.update(repeating: 0, count: dim)
                for p in 0..<real {
                    guard let r = Embedding.row(of: tokens[p], vocab: vocab) else { continue }
                    let src = table + r * dim
                    for j in 0..<dim { dst[j] += src[j] }
                }
                let scale = 1 / Float(max(real, 1))
                for j in 0..<dim { dst[j] *= scale }
            }
        }
    }

    /// The positions the absorbed mean runs over: the real tokens (they come first) with a mask,
    /// else all of them.
    private func realTokens(sample: Int) -> Int {
        guard let mask = outputMask else { return length }
        let row = mask.pointer + sample * length
        var real = 0
        while real < length && row[real] != 0 { real += 1 }
        return real
    }

    /// mask (N, L): 1 up to each sample's last non-zero id, 0 after it.
    private func markPadding(_ ids: UnsafePointer<Float>, samples: Int, mask: Tensor) {
        mask.resize(to: [samples, length])
        for s in 0..<samples {
            let row = ids + s * length, out = mask.pointer + s * length
            var end = length
            while end > 0 && row[end - 1] == 0 { end -= 1 }
            for t in 0..<length { out[t] = t < end ? 1 : 0 }
        }
    }

    /// dW[id] += dy[token] for every token, in token order (one worker: rows may repeat).
    public func backward(inputs: [Tensor], output: Tensor, outputGradient: Tensor,
                         inputGradients: [Tensor?], context: LayerContext) {
        let ids = inputs[0].pointer, dW = weight.gradient.pointer, gy = outputGradient.pointer
        inputGradients[0]?.zero()
        if averagesSequence { return backwardMeans(ids, samples: inputs[0].shape[0], gradient: gy) }
        for t in 0..<inputs[0].count {
            guard let r = Embedding.row(of: ids[t], vocab: vocab) else { continue }
            let src = gy + t * dim, dst = dW + r * dim
            for j in 0..<dim { dst[j] += src[j] }
        }
    }

    /// dW[id] += dy[sample] / real for each real token, in token order (padding adds nothing).
    private func backwardMeans(_ ids: UnsafePointer<Float>, samples: Int, gradient gy: UnsafePointer<Float>) {
        let dW = weight.gradient.pointer, dim = dim
        for s in 0..<samples {
            let real = realTokens(sample: s), scale = 1 / Float(max(real, 1)), src = gy + s * dim
            for p in 0..<real {
                guard let r = Embedding.row(of: ids[s * length + p], vocab: vocab) else { continue }
                let dst = dW + r * dim
                for j in 0..<dim { dst[j] += src[j] * scale }
            }
        }
    }
}
