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
public final class Embedding: InitializableLayer, TokenInputLayer, SequenceMaskProducer {
    public let name: String
    public var typeName: String { "embedding" }
    public let vocab: Int
    public let dim: Int
    public let weightInit: Initializer
    public private(set) var length = 0
    public private(set) var weight: Parameter!

    public var vocabularySize: Int { vocab }

    /// Token 0 at the end of a sequence is padding: forward marks it in `outputMask` (its vector is
    /// still looked up, as Keras does). A 0 before the last non-zero id counts as a token, so a
    /// mask is a length per sample, as PyTorch's packed sequences and ONNX's sequence_lens.
    public let maskZero: Bool
    /// (N, L): 1 at real tokens, 0 at padding; nil unless `maskZero`.
    public let outputMask: Tensor?

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

    public func forward(inputs: [Tensor], output: Tensor, context: LayerContext) {
        let ids = inputs[0].pointer, table = weight.value.pointer, y = output.pointer
        let dim = dim, vocab = vocab
        if let mask = outputMask { markPadding(ids, samples: inputs[0].shape[0], mask: mask) }
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
        for t in 0..<inputs[0].count {
            guard let r = Embedding.row(of: ids[t], vocab: vocab) else { continue }
            let src = gy + t * dim, dst = dW + r * dim
            for j in 0..<dim { dst[j] += src[j] }
        }
        inputGradients[0]?.zero()
    }
}
