import DLTCore
import Foundation

/// Multi-head self-attention, PyTorch's nn.MultiheadAttention(D, heads, batch_first=True) with
/// query = key = value = x: x (N, L, D) -> y (N, L, D).
///
///     [Q K V] = x · in_proj_weightᵀ + in_proj_bias        (N·L, 3D), one sgemm per thread slice
///     per (sample, head h), d = D / heads, columns h·d ..< (h+1)·d of Q, K, V:
///         S = Q_h K_hᵀ / √d  (L, L);  P = softmax over keys (masked keys get −∞);
///         P' = dropout(P) in training;  C_h = P' V_h  (L, d)
///     y = C · out_proj.weightᵀ + out_proj.bias              (N·L, D), one sgemm per thread slice
///
/// Masks: a padded key (the input's mask is 0 there, PyTorch's key_padding_mask) and, when
/// `causal`, a key after its query are left out of the softmax; a query that sees no key at all
/// gets zero weights (PyTorch gives NaN). Queries are never masked: padded positions still get
/// an output, and the mask passes on to the next layer.
///
/// Dropout on the attention weights (training only) draws its keep mask per (sample, head) from
/// `SeededRandom(seed: stepSeed, stream: FNV-1a(name) ^ (sample·heads + head)·φ)`, the sample
/// numbered in the global batch: the same for any thread or rank count and on a resume.
///
/// Initialisation as PyTorch: in_proj_weight xavier_uniform (fans D, 3D), out_proj.weight
/// nn.Linear's uniform(±1/√D), biases zero.
public final class MultiheadAttention: InitializableLayer, SequenceMaskConsumer, SequenceMaskPassing {
    public let name: String
    public var typeName: String { "multihead_attention" }
    public let heads: Int
    public let causal: Bool
    /// Probability of dropping an attention weight while training.
    public let dropout: Float
    /// The stream id of this layer's dropout masks: FNV-1a (64-bit) of the name's UTF-8 bytes.
    public let stream: UInt64
    public private(set) var length = 0
    public private(set) var dim = 0
    public var headDim: Int { dim / heads }

    public private(set) var inProjWeight: Parameter!
    public private(set) var inProjBias: Parameter!
    public private(set) var outProjWeight: Parameter!
    public private(set) var outProjBias: Parameter!

    /// (N, L): 1 at real tokens, 0 at padding; nil when the input sequence has no mask.
    public private(set) var keyMask: Tensor?

    /// Saved by forward for backward: [Q K V] (N, L, 3D), Pᵀ (N, heads, L keys, L queries), the
    /// keep mask (0 or 1/(1−dropout)) of Pᵀ in training (N, heads, L, L), and C (N, L, D).
    let projections = Tensor(shape: [0])
    let probabilities = Tensor(shape: [0])
    let keepMask = Tensor(shape: [0])
    let attended = Tensor(shape: [0])
    /// Backward's dC (N, L, D) and d[Q K V] (N, L, 3D).
    let attendedGradient = Tensor(shape: [0])
    let projectionsGradient = Tensor(shape: [0])
    /// Per thread slice, two (L, L) matrices and one (d, L): P'ᵀ, dPᵀ and a transposed
    /// (L, d) operand of the (sample, head) in hand.
    var threadScratch: [Tensor] = []

    public init(name: String, heads: Int, causal: Bool = false, dropout: Float = 0) {
        self.name = name; self.heads = heads; self.causal = causal; self.dropout = dropout
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        self.stream = hash
    }

    public var parameters: [Parameter] { [inProjWeight, inProjBias, outProjWeight, outProjBias] }
    public var parameterInits: [ParameterInit] {
        [ParameterInit(inProjWeight, .glorotUniform, fanIn: dim, fanOut: 3 * dim),
         ParameterInit(inProjBias, .zeros, fanIn: dim, fanOut: 3 * dim),
         // he_uniform's limit √(6 / fanIn) with fanIn = 6D is nn.Linear's 1/√D.
         ParameterInit(outProjWeight, .heUniform, fanIn: 6 * dim, fanOut: dim),
         ParameterInit(outProjBias, .zeros, fanIn: dim, fanOut: dim)]
    }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try expectInputs(inputShapes, count: 1)
        let label = "layer '\(name)' (multihead_attention)"
        guard heads > 0 else { throw EngineError("\(label): heads must be positive, got \(heads)") }
        guard dropout >= 0, dropout < 1 else { throw EngineError("\(label): dropout must be in [0, 1), got \(dropout)") }
        try expectRank(inputShapes[0], 2, what: "a sequence (length, features)")
        length = inputShapes[0][0]; dim = inputShapes[0][1]
        guard dim % heads == 0 else {
            throw EngineError("\(label): the model dimension \(dim) is not divisible by heads \(heads)")
        }
        inProjWeight = Parameter(name: "in_proj_weight", shape: [3 * dim, dim])
        inProjBias = Parameter(name: "in_proj_bias", shape: [3 * dim])
        outProjWeight = Parameter(name: "out_proj.weight", shape: [dim, dim])
        outProjBias = Parameter(name: "out_proj.bias", shape: [dim])
        return inputShapes[0]
    }

    public func useMask(_ mask: Tensor?) { keyMask = mask }

    /// Projections 8·L·D², scores and weighted sum 4·L²·D.
    public var flopsPerSample: Int { 8 * length * dim * dim + 4 * length * length * dim }

    /// Sizes the saved tensors for `n` samples and the scratch for `slices` threads; allocates
    /// only when either grows.
    private func plan(samples n: Int, slices: Int, training: Bool) {
        let l = length, d = dim
        projections.resize(to: [n, l, 3 * d])
        probabilities.resize(to: [n, heads, l, l])
        attended.resize(to: [n, l, d])
        if training && dropout > 0 { keepMask.resize(to: [n, heads, l, l]) }
        while threadScratch.count < slices { threadScratch.append(Tensor(shape: [2 * l * l + l * headDim])) }
    }

    public func forward(inputs: [Tensor], output: Tensor, context: LayerContext) {
        let x = inputs[0].pointer, y = output.pointer, n = inputs[0].shape[0]
        let dropping = context.training && dropout > 0
        plan(samples: n, slices: context.split.slices(for: n), training: context.training)
        let l = length, d = dim
        let qkv = projections.pointer, c = attended.pointer
        let inW = inProjWeight.value.pointer, inB = inProjBias.value.pointer
        let outW = outProjWeight.value.pointer, outB = outProjBias.value.pointer
        let seed = context.stepSeed, offset = context.sampleOffset
        context.split.forEachSlice(of: n) { slice, samples in
            let rows = samples.count * l, first = samples.lowerBound * l
            Gemm.multiply(transposeB: true, m: rows, n: 3 * d, k: d, a: x + first * d, lda: d,
                          b: inW, ldb: d, rowBias: inB, c: qkv + first * 3 * d, ldc: 3 * d)
            let scratch = self.threadScratch[slice].pointer
            for s in samples {
                for h in 0..<self.heads {
                    self.attendForward(sample: s, head: h, dropping: dropping, seed: seed, sampleOffset: offset, scratch: scratch)
                }
            }
            Gemm.multiply(transposeB: true, m: rows, n: d, k: d, a: c + first * d, lda: d,
                          b: outW, ldb: d, rowBias: outB, c: y + first * d, ldc: d)
        }
    }

    public func backward(inputs: [Tensor], output: Tensor, outputGradient: Tensor,
                         inputGradients: [Tensor?], context: LayerContext) {
        let x = inputs[0].pointer, gy = outputGradient.pointer, n = inputs[0].shape[0]
        let dropping = context.training && dropout > 0
        let l = length, d = dim
        attendedGradient.resize(to: [n, l, d])
        projectionsGradient.resize(to: [n, l, 3 * d])
        let dc = attendedGradient.pointer, dqkv = projectionsGradient.pointer
        // d out_proj.weight += dYᵀ C, d out_proj.bias += Σ dY, over all N·L positions.
        MultiheadAttention.accumulateWeightGradient(outputGradient: gy, input: attended.pointer, rows: n * l,
                                                    outputs: d, inputs: d, weight: outProjWeight,
                                                    bias: outProjBias, split: context.split)
        let outW = outProjWeight.value.pointer, inW = inProjWeight.value.pointer
        let dx = inputGradients[0]?.pointer
        context.split.forEachSlice(of: n) { slice, samples in
            let rows = samples.count * l, first = samples.lowerBound * l
            Gemm.multiply(m: rows, n: d, k: d, a: gy + first * d, lda: d, b: outW, ldb: d,
                          c: dc + first * d, ldc: d)
            let scratch = self.threadScratch[slice].pointer
            for s in samples {
                for h in 0..<self.heads {
                    self.attendBackward(sample: s, head: h, dropping: dropping, scratch: scratch)
                }
            }
            if let dx {
                Gemm.multiply(m: rows, n: d, k: 3 * d, a: dqkv + first * 3 * d, lda: 3 * d, b: inW, ldb: d,
                              c: dx + first * d, ldc: d)
            }
        }
        // d in_proj_weight += d[Q K V]ᵀ X, d in_proj_bias += Σ d[Q K V].
        MultiheadAttention.accumulateWeightGradient(outputGradient: dqkv, input: x, rows: n * l,
                                                    outputs: 3 * d, inputs: d, weight: inProjWeight,
                                                    bias: inProjBias, split: context.split)
    }

    /// dW [outputs, inputs] += dZᵀ X and db += Σ_rows dZ for dZ (rows, outputs), X (rows, inputs):
    /// split over output rows (as Dense), so no reduction across threads.
    static func accumulateWeightGradient(outputGradient gz: UnsafePointer<Float>, input x: UnsafePointer<Float>,
                                         rows: Int, outputs: Int, inputs: Int, weight: Parameter,
                                         bias: Parameter, split: ThreadSplit) {
        let dw = weight.gradient.pointer, db = bias.gradient.pointer
        split.parallelRanges(outputs, minimumPerSlice: 8) { _, range in
            Gemm.multiply(transposeA: true, m: range.count, n: inputs, k: rows,
                          a: gz + range.lowerBound, lda: outputs, b: x, ldb: inputs,
                          beta: 1, c: dw + range.lowerBound * inputs, ldc: inputs)
            for j in range {
                var sum: Float = 0
                for r in 0..<rows { sum += gz[r * outputs + j] }
                db[j] += sum
            }
        }
    }
}
