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

    /// Saved by forward for backward: [Q K V] (N, L, 3D), P (N, heads, L, L), the keep mask
    /// (0 or 1/(1−dropout)) of P in training (N, heads, L, L), and C (N, L, D).
    let projections = Tensor(shape: [0])
    let probabilities = Tensor(shape: [0])
    let keepMask = Tensor(shape: [0])
    let attended = Tensor(shape: [0])
    /// Backward's dC (N, L, D) and d[Q K V] (N, L, 3D).
    let attendedGradient = Tensor(shape: [0])
    let projectionsGradient = Tensor(shape: [0])
    /// Per thread slice, two (L, L) matrices: P' and dP' of the (sample, head) in hand.
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
                          b: inW, ldb: d, c: qkv + first * 3 * d, ldc: 3 * d)
            MultiheadAttention.addBias(inB, to: qkv + first * 3 * d, rows: rows, columns: 3 * d)
            let scratch = self.threadScratch[slice].pointer
            for s in samples {
                for h in 0..<self.heads {
                    self.attendForward(sample: s, head: h, dropping: dropping, seed: seed, sampleOffset: offset, scratch: scratch)
                }
            }
            Gemm.multiply(transposeB: true, m: rows, n: d, k: d, a: c + first * d, lda: d,
                          b: outW, ldb: d, c: y + first * d, ldc: d)
            MultiheadAttention.addBias(outB, to: y + first * d, rows: rows, columns: d)
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

    /// Adds bias [columns] to every row of z (rows, columns).
    @inline(__always)
    static func addBias(_ bias: UnsafePointer<Float>, to z: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
        for r in 0..<rows {
            let row = z + r * columns
            for j in 0..<columns { row[j] += bias[j] }
        }
    }
}

// MARK: - One (sample, head)

/// MultiheadAttention's work for one (sample, head): scores, masked softmax, dropout and the
/// weighted sum of values, and their backward. Q, K and V of head h are the columns
/// h·d ..< (h+1)·d, D + h·d ..., 2D + h·d ... of the sample's (L, 3D) projections (leading
/// dimension 3D); the head's output C_h is columns h·d ... of the (L, D) attended values.
extension MultiheadAttention {
    /// Pointers to one (sample, head)'s pieces of a (N, L, 3D) projection tensor.
    @inline(__always)
    private func headColumns(_ base: UnsafeMutablePointer<Float>, sample s: Int, head h: Int)
        -> (q: UnsafeMutablePointer<Float>, k: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>) {
        let q = base + s * length * 3 * dim + h * headDim
        return (q, q + dim, q + 2 * dim)
    }

    /// The dropout generator of one (sample, head): depends on the step, layer, sample and head only.
    @inline(__always)
    private func dropoutRandom(seed: UInt64, sample s: Int, head h: Int) -> SeededRandom {
        SeededRandom(seed: seed, stream: stream ^ (UInt64(s * heads + h) &* 0x9E37_79B9_7F4A_7C15))
    }

    /// P = softmax(Q_h K_hᵀ / √d) with masked keys left out, P' = P ⊙ keep (training dropout),
    /// C_h = P' V_h. `scratch` holds 2·L·L + L·d floats (P' when dropping, then K_hᵀ). The
    /// head's products run in `SmallProduct`: at these sizes sgemm's per-call overhead dominated.
    func attendForward(sample s: Int, head h: Int, dropping: Bool, seed: UInt64, sampleOffset: Int,
                       scratch: UnsafeMutablePointer<Float>) {
        let l = length, d = headDim, ld = 3 * dim
        let (q, k, v) = headColumns(projections.pointer, sample: s, head: h)
        let p = probabilities.pointer + (s * heads + h) * l * l
        let kt = scratch + 2 * l * l
        SmallProduct.transpose(k, rows: l, columns: d, ldb: ld, into: kt)
        SmallProduct.multiply(m: l, n: l, k: d, alpha: 1 / Float(d).squareRoot(), a: q, lda: ld, b: kt, ldb: l, c: p, ldc: l)
        maskedSoftmax(p, sample: s)
        var weights = UnsafePointer(p)
        if dropping {
            let keep = keepMask.pointer + (s * heads + h) * l * l
            let rate = dropout, scale = 1 / (1 - dropout)
            var random = dropoutRandom(seed: seed, sample: sampleOffset + s, head: h)
            for i in 0..<(l * l) {
                keep[i] = random.nextFloat() < rate ? 0 : scale
                scratch[i] = p[i] * keep[i]
            }
            weights = UnsafePointer(scratch)
        }
        SmallProduct.multiply(m: l, n: d, k: l, a: weights, lda: l, b: v, ldb: ld,
                              c: attended.pointer + s * l * dim + h * d, ldc: dim)
    }

    /// Softmax over each row of the (L, L) scores in place, over the keys the query may see:
    /// not padded (mask ≠ 0) and, when causal, not after the query. Hidden keys get 0; a row
    /// with no visible key becomes all zeros.
    private func maskedSoftmax(_ p: UnsafeMutablePointer<Float>, sample s: Int) {
        let l = length
        let valid: UnsafePointer<Float>? = keyMask.map { UnsafePointer($0.pointer + s * l) }
        for i in 0..<l {
            let row = p + i * l
            let end = causal ? i + 1 : l
            if end < l { (row + end).update(repeating: 0, count: l - end) }
            var maximum = -Float.infinity
            for j in 0..<end {
                if let valid, valid[j] == 0 { row[j] = -.infinity }
                maximum = max(maximum, row[j])
            }
            guard maximum > -Float.infinity else {
                row.update(repeating: 0, count: l)
                continue
            }
            let inverse = 1 / Self.exponentiate(row, count: end, minus: maximum)
            for j in 0..<end { row[j] *= inverse }
        }
    }

    /// row[j] = e^(row[j] − maximum) on 8 lanes at a time (`VectorMath.exp`; a libm call per
    /// score was a sixth of a transformer step), 0 where row[j] is −∞ (a hidden key); returns
    /// the sum, added lane-wise then across the lanes, the tail padded with hidden lanes.
    private static func exponentiate(_ row: UnsafeMutablePointer<Float>, count: Int, minus maximum: Float) -> Float {
        typealias V = SIMD8<Float>
        let hidden = V(repeating: -.infinity), m = V(repeating: maximum)
        var sums = V(), j = 0
        while j < count {
            let lanes = min(8, count - j)
            var v = hidden
            if lanes == 8 { v = UnsafeRawPointer(row + j).loadUnaligned(as: V.self) } else { for t in 0..<lanes { v[t] = row[j + t] } }
            let e = VectorMath.exp(v - m).replacing(with: 0, where: v .== hidden)
            sums += e
            if lanes == 8 { UnsafeMutableRawPointer(row + j).storeBytes(of: e, as: V.self) } else { for t in 0..<lanes { row[j + t] = e[t] } }
            j += 8
        }
        return sums.sum()
    }

    /// From dC_h (in `attendedGradient`): dV_h = P'ᵀ dC_h, dP' = dC_h V_hᵀ, dP = dP' ⊙ keep,
    /// dS = P ⊙ (dP − rowsum(dP ⊙ P)), dQ_h = dS K_h / √d, dK_h = dSᵀ Q_h / √d, written into
    /// `projectionsGradient`. `scratch` holds 2·L·L + L·d floats.
    func attendBackward(sample s: Int, head h: Int, dropping: Bool, scratch: UnsafeMutablePointer<Float>) {
        let l = length, d = headDim, ld = 3 * dim, scale = 1 / Float(d).squareRoot()
        let (q, k, v) = headColumns(projections.pointer, sample: s, head: h)
        let (dq, dk, dv) = headColumns(projectionsGradient.pointer, sample: s, head: h)
        let p = probabilities.pointer + (s * heads + h) * l * l
        let dc = attendedGradient.pointer + s * l * dim + h * d
        let keep: UnsafePointer<Float>? = dropping ? UnsafePointer(keepMask.pointer + (s * heads + h) * l * l) : nil
        var weights = UnsafePointer(p)
        if let keep {
            for i in 0..<(l * l) { scratch[i] = p[i] * keep[i] }
            weights = UnsafePointer(scratch)
        }
        SmallProduct.multiply(transposeA: true, m: l, n: d, k: l, a: weights, lda: l, b: dc, ldb: dim, c: dv, ldc: ld)
        let dp = scratch + l * l, vt = scratch + 2 * l * l
        SmallProduct.transpose(v, rows: l, columns: d, ldb: ld, into: vt)
        SmallProduct.multiply(m: l, n: l, k: d, a: dc, lda: dim, b: vt, ldb: l, c: dp, ldc: l)
        for i in 0..<l {
            let pr = p + i * l, dr = dp + i * l
            if let keep { let kr = keep + i * l; for j in 0..<l { dr[j] *= kr[j] } }
            var dot: Float = 0
            for j in 0..<l { dot += dr[j] * pr[j] }
            for j in 0..<l { dr[j] = pr[j] * (dr[j] - dot) }
        }
        SmallProduct.multiply(m: l, n: d, k: l, alpha: scale, a: dp, lda: l, b: k, ldb: ld, c: dq, ldc: ld)
        SmallProduct.multiply(transposeA: true, m: l, n: d, k: l, alpha: scale, a: dp, lda: l, b: q, ldb: ld, c: dk, ldc: ld)
    }
}
