/// C = alpha · op(A) · B for the small matrices of one attention head (sequence length x head
/// size, 16 x 8 in text_transformer), where sgemm's per-call packing and beta pass cost more
/// than the arithmetic: each row of C is built in 8-lane vectors across its columns, one fused
/// multiply-add per (row, k, vector), in a fixed order.
public enum SmallProduct {
    typealias Lanes = SIMD8<Float>

    /// C (m, n) = alpha · A (m, k) · B (k, n), or alpha · Aᵀ · B with A stored (k, m); rows of
    /// B and C are contiguous over n. Four rows of C at a time, so that four independent chains
    /// of multiply-adds hide the latency of each.
    public static func multiply(transposeA: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
                                a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                                c: UnsafeMutablePointer<Float>, ldc: Int) {
        let rowStride = transposeA ? 1 : lda, depthStride = transposeA ? lda : 1
        var i = 0
        while i < m {
            let rows = min(4, m - i)
            // Absent rows repeat the last one and are not stored.
            let r0 = a + i * rowStride, r1 = a + (i + min(1, rows - 1)) * rowStride
            let r2 = a + (i + min(2, rows - 1)) * rowStride, r3 = a + (i + min(3, rows - 1)) * rowStride
            let target = c + i * ldc
            var j = 0
            while j + 8 <= n {
                var s0 = Lanes(), s1 = Lanes(), s2 = Lanes(), s3 = Lanes()
                for p in 0..<k {
                    let v = UnsafeRawPointer(b + p * ldb + j).loadUnaligned(as: Lanes.self), o = p * depthStride
                    s0 = s0.addingProduct(Lanes(repeating: r0[o]), v); s1 = s1.addingProduct(Lanes(repeating: r1[o]), v)
                    s2 = s2.addingProduct(Lanes(repeating: r2[o]), v); s3 = s3.addingProduct(Lanes(repeating: r3[o]), v)
                }
                store(s0 * alpha, target + j)
                if rows > 1 { store(s1 * alpha, target + ldc + j) }
                if rows > 2 { store(s2 * alpha, target + 2 * ldc + j) }
                if rows > 3 { store(s3 * alpha, target + 3 * ldc + j) }
                j += 8
            }
            for r in 0..<rows {
                let row = a + (i + r) * rowStride
                for col in j..<n {
                    var sum: Float = 0
                    for p in 0..<k { sum = sum.addingProduct(row[p * depthStride], b[p * ldb + col]) }
                    target[r * ldc + col] = sum * alpha
                }
            }
            i += rows
        }
    }

    @inline(__always)
    private static func store(_ v: Lanes, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self)
    }

    /// B (rows, columns) with leading dimension ldb, transposed into `target` (columns, rows).
    public static func transpose(_ b: UnsafePointer<Float>, rows: Int, columns: Int, ldb: Int,
                                 into target: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            for col in 0..<columns { target[col * rows + r] = b[r * ldb + col] }
        }
    }
}
