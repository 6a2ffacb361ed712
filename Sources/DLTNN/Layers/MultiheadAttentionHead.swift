import DLTCore

/// MultiheadAttention's work for one (sample, head): scores, masked softmax, dropout and the
/// weighted sum of values, and their backward. Q, K and V of head h are the columns
/// h·d ..< (h+1)·d, D + h·d ..., 2D + h·d ... of the sample's (L, 3D) projections (leading
/// dimension 3D); the head's output C_h is columns h·d ... of the (L, D) attended values.
///
/// Scores and weights are kept transposed, Sᵀ = K_h Q_hᵀ / √d (keys x queries): the softmax
/// over each query's keys then runs with 8 queries in the lanes of a vector and the keys down
/// the rows, so its maxima and sums need no horizontal reductions (row by row, each row's
/// chain of max, exp and sum was a tenth of text_transformer's inference).
extension MultiheadAttention {
    typealias Lanes = SIMD8<Float>

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

    /// Pᵀ = softmax over keys of Sᵀ = K_h Q_hᵀ / √d, masked keys left out; P'ᵀ = Pᵀ ⊙ keep
    /// (training dropout); C_h = P' V_h. `scratch` holds 2·L·L + L·d floats (P'ᵀ when
    /// dropping, then Q_hᵀ). The head's products run in `SmallProduct`: at these sizes sgemm's
    /// per-call overhead dominated.
    func attendForward(sample s: Int, head h: Int, dropping: Bool, seed: UInt64, sampleOffset: Int,
                       scratch: UnsafeMutablePointer<Float>) {
        let l = length, d = headDim, ld = 3 * dim
        let (q, k, v) = headColumns(projections.pointer, sample: s, head: h)
        let pt = probabilities.pointer + (s * heads + h) * l * l
        let qt = scratch + 2 * l * l
        SmallProduct.transpose(q, rows: l, columns: d, ldb: ld, into: qt)
        SmallProduct.multiply(m: l, n: l, k: d, alpha: 1 / Float(d).squareRoot(), a: k, lda: ld, b: qt, ldb: l, c: pt, ldc: l)
        maskedSoftmax(pt, sample: s)
        var weights = UnsafePointer(pt)
        if dropping {
            let keep = keepMask.pointer + (s * heads + h) * l * l
            let rate = dropout, scale = 1 / (1 - dropout)
            var random = dropoutRandom(seed: seed, sample: sampleOffset + s, head: h)
            for i in 0..<(l * l) {
                keep[i] = random.nextFloat() < rate ? 0 : scale
                scratch[i] = pt[i] * keep[i]
            }
            weights = UnsafePointer(scratch)
        }
        SmallProduct.multiply(transposeA: true, m: l, n: d, k: l, a: weights, lda: l, b: v, ldb: ld,
                              c: attended.pointer + s * l * dim + h * d, ldc: dim)
    }

    /// Softmax down each column of the (L keys, L queries) scores in place, over the keys the
    /// query may see: not padded (mask ≠ 0) and, when causal, not after the query. Hidden keys
    /// get 0; a query that sees no key gets all zeros.
    private func maskedSoftmax(_ pt: UnsafeMutablePointer<Float>, sample s: Int) {
        let l = length, hidden = Lanes(repeating: -.infinity)
        let valid: UnsafePointer<Float>? = keyMask.map { UnsafePointer($0.pointer + s * l) }
        for first in Swift.stride(from: 0, to: l, by: 8) {
            let lanes = min(8, l - first)
            let query = Lanes(0, 1, 2, 3, 4, 5, 6, 7) + Float(first)
            // Key j's scores for these queries, −∞ where the query may not see it.
            func scores(_ j: Int) -> Lanes {
                let v = Self.load(pt + j * l + first, count: lanes, padding: -.infinity)
                return causal ? v.replacing(with: hidden, where: query .< Float(j)) : v
            }
            var maxima = hidden
            for j in 0..<l where valid?[j] != 0 {
                let v = scores(j)
                maxima.replace(with: v, where: v .> maxima)
            }
            var sums = Lanes()
            for j in 0..<l {
                var e = Lanes()
                if valid?[j] != 0 {
                    let v = scores(j)
                    e = VectorMath.exp(v - maxima).replacing(with: 0, where: v .== hidden)
                }
                sums += e
                Self.store(e, pt + j * l + first, count: lanes)
            }
            let inverse = (1 / sums).replacing(with: 0, where: sums .== 0)
            for j in 0..<l {
                let target = pt + j * l + first
                Self.store(Self.load(target, count: lanes, padding: 0) * inverse, target, count: lanes)
            }
        }
    }

    /// From dC_h (in `attendedGradient`), with the weights held transposed (P'ᵀ, keys x
    /// queries): dV_h = (P'ᵀ) dC_h, dP'ᵀ = V_h dC_hᵀ, dPᵀ = dP'ᵀ ⊙ keep, per query
    /// dS = P ⊙ (dP − Σ_keys dP ⊙ P), dQ_h = (dSᵀ)ᵀ K_h / √d and dK_h = dSᵀ Q_h / √d, all
    /// written into `projectionsGradient`. `scratch` holds 2·L·L + L·d floats.
    func attendBackward(sample s: Int, head h: Int, dropping: Bool, scratch: UnsafeMutablePointer<Float>) {
        let l = length, d = headDim, ld = 3 * dim, scale = 1 / Float(d).squareRoot()
        let (q, k, v) = headColumns(projections.pointer, sample: s, head: h)
        let (dq, dk, dv) = headColumns(projectionsGradient.pointer, sample: s, head: h)
        let pt = probabilities.pointer + (s * heads + h) * l * l
        let dc = attendedGradient.pointer + s * l * dim + h * d
        let keep: UnsafePointer<Float>? = dropping ? UnsafePointer(keepMask.pointer + (s * heads + h) * l * l) : nil
        var weights = UnsafePointer(pt)
        if let keep {
            for i in 0..<(l * l) { scratch[i] = pt[i] * keep[i] }
            weights = UnsafePointer(scratch)
        }
        SmallProduct.multiply(m: l, n: d, k: l, a: weights, lda: l, b: dc, ldb: dim, c: dv, ldc: ld)
        let dpt = scratch + l * l, dct = scratch + 2 * l * l
        SmallProduct.transpose(dc, rows: l, columns: d, ldb: dim, into: dct)
        SmallProduct.multiply(m: l, n: l, k: d, a: v, lda: ld, b: dct, ldb: l, c: dpt, ldc: l)
        scoreGradient(dpt, weights: pt, keep: keep)
        SmallProduct.multiply(transposeA: true, m: l, n: d, k: l, alpha: scale, a: dpt, lda: l, b: k, ldb: ld, c: dq, ldc: ld)
        SmallProduct.multiply(m: l, n: d, k: l, alpha: scale, a: dpt, lda: l, b: q, ldb: ld, c: dk, ldc: ld)
    }

    /// dP'ᵀ (keys x queries) into dSᵀ in place: masked by `keep`, then per query (a column)
    /// dS = P ⊙ (dP − Σ_keys dP ⊙ P), 8 queries at a time.
    private func scoreGradient(_ dpt: UnsafeMutablePointer<Float>, weights pt: UnsafePointer<Float>, keep: UnsafePointer<Float>?) {
        let l = length
        for first in Swift.stride(from: 0, to: l, by: 8) {
            let lanes = min(8, l - first)
            var dots = Lanes()
            for j in 0..<l {
                let at = j * l + first
                var g = Self.load(dpt + at, count: lanes, padding: 0)
                if let keep {
                    g *= Self.load(keep + at, count: lanes, padding: 0)
                    Self.store(g, dpt + at, count: lanes)
                }
                dots += g * Self.load(pt + at, count: lanes, padding: 0)
            }
            for j in 0..<l {
                let at = j * l + first
                let p = Self.load(pt + at, count: lanes, padding: 0), g = Self.load(dpt + at, count: lanes, padding: 0)
                Self.store(p * (g - dots), dpt + at, count: lanes)
            }
        }
    }

    /// min(8, count) floats from p, the other lanes `padding`.
    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>, count: Int, padding: Float) -> Lanes {
        if count >= 8 { return UnsafeRawPointer(p).loadUnaligned(as: Lanes.self) }
        var v = Lanes(repeating: padding)
        for t in 0..<count { v[t] = p[t] }
        return v
    }

    /// The first min(8, count) lanes of v at p.
    @inline(__always)
    private static func store(_ v: Lanes, _ p: UnsafeMutablePointer<Float>, count: Int) {
        if count >= 8 { UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self); return }
        for t in 0..<count { p[t] = v[t] }
    }
}
