import DLTCore
import Foundation

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
    /// C_h = P' V_h. `scratch` holds at least L·L floats (P' when dropping).
    func attendForward(sample s: Int, head h: Int, dropping: Bool, seed: UInt64,
                       scratch: UnsafeMutablePointer<Float>) {
        let l = length, d = headDim, ld = 3 * dim
        let (q, k, v) = headColumns(projections.pointer, sample: s, head: h)
        let p = probabilities.pointer + (s * heads + h) * l * l
        Gemm.multiply(transposeB: true, m: l, n: l, k: d, alpha: 1 / Float(d).squareRoot(),
                      a: q, lda: ld, b: k, ldb: ld, c: p, ldc: l)
        maskedSoftmax(p, sample: s)
        var weights = UnsafePointer(p)
        if dropping {
            let keep = keepMask.pointer + (s * heads + h) * l * l
            let rate = dropout, scale = 1 / (1 - dropout)
            var random = dropoutRandom(seed: seed, sample: s, head: h)
            for i in 0..<(l * l) {
                keep[i] = random.nextFloat() < rate ? 0 : scale
                scratch[i] = p[i] * keep[i]
            }
            weights = UnsafePointer(scratch)
        }
        Gemm.multiply(m: l, n: d, k: l, a: weights, lda: l, b: v, ldb: ld,
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
            var sum: Float = 0
            for j in 0..<end {
                let e = exp(row[j] - maximum)   // exp(−∞) = 0 for hidden keys
                row[j] = e
                sum += e
            }
            let inverse = 1 / sum
            for j in 0..<end { row[j] *= inverse }
        }
    }

    /// From dC_h (in `attendedGradient`): dV_h = P'ᵀ dC_h, dP' = dC_h V_hᵀ, dP = dP' ⊙ keep,
    /// dS = P ⊙ (dP − rowsum(dP ⊙ P)), dQ_h = dS K_h / √d, dK_h = dSᵀ Q_h / √d, written into
    /// `projectionsGradient`. `scratch` holds 2·L·L floats.
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
        Gemm.multiply(transposeA: true, m: l, n: d, k: l, a: weights, lda: l, b: dc, ldb: dim, c: dv, ldc: ld)
        let dp = scratch + l * l
        Gemm.multiply(transposeB: true, m: l, n: l, k: d, a: dc, lda: dim, b: v, ldb: ld, c: dp, ldc: l)
        for i in 0..<l {
            let pr = p + i * l, dr = dp + i * l
            if let keep { let kr = keep + i * l; for j in 0..<l { dr[j] *= kr[j] } }
            var dot: Float = 0
            for j in 0..<l { dot += dr[j] * pr[j] }
            for j in 0..<l { dr[j] = pr[j] * (dr[j] - dot) }
        }
        Gemm.multiply(m: l, n: d, k: l, alpha: scale, a: dp, lda: l, b: k, ldb: ld, c: dq, ldc: ld)
        Gemm.multiply(transposeA: true, m: l, n: d, k: l, alpha: scale, a: dp, lda: l, b: q, ldb: ld, c: dk, ldc: ld)
    }
}
