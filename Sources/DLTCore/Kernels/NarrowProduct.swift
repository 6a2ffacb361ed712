/// C (m x n) += A (m x L) * B (n x L)^T as direct dot products of rows read in place, where
/// sgemm's packing of both matrices costs more than it saves: the weight gradient of a
/// convolution with few taps (C*kh*kw = 9 for a first layer on grey images), dW = dZ * columns^T,
/// which sgemm ran at a third of its peak (OpenBLAS here: m 32, n 9, L 4,056 at 33 GFLOP/s
/// against 95); and a deep dense layer's forward x · Wᵀ (`Dense.directDepth`). Four rows of A
/// against three of B per pass, twelve 8-lane accumulators, A and B each read once per pass.
/// Each element is one fixed chain (8-lane sums in order, the lanes' sum, the tail, then added
/// to C), so it depends on its own two rows only: a batch split gives the same bits.
public enum NarrowProduct {
    /// Row-major; `lda`, `ldb` are the row strides of A and B, `ldc` of C.
    public static func accumulate(m: Int, n: Int, length: Int,
                                  a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                                  c: UnsafeMutablePointer<Float>, ldc: Int) {
        var i = 0
        while i < m {
            // A block past the last row repeats it; its sums are dropped below.
            let a0 = a + i * lda, a1 = a + min(i + 1, m - 1) * lda
            let a2 = a + min(i + 2, m - 1) * lda, a3 = a + min(i + 3, m - 1) * lda
            var j = 0
            while j < n {
                let b0 = b + j * ldb, b1 = b + min(j + 1, n - 1) * ldb, b2 = b + min(j + 2, n - 1) * ldb
                var s = Block()
                var t = 0
                while t + 8 <= length {
                    s.add(load(a0, t), load(a1, t), load(a2, t), load(a3, t), load(b0, t), load(b1, t), load(b2, t))
                    t += 8
                }
                for r in 0..<min(4, m - i) {
                    for q in 0..<min(3, n - j) {
                        var sum = s.accumulator(r, q).sum()
                        for u in t..<length { sum += a[(i + r) * lda + u] * b[(j + q) * ldb + u] }
                        c[(i + r) * ldc + j + q] += sum
                    }
                }
                j += 3
            }
            i += 4
        }
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>, _ t: Int) -> SIMD8<Float> {
        UnsafeRawPointer(p + t).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// Twelve accumulators, written out so they stay in registers: s(r, q) += a_r * b_q.
    private struct Block {
        var s00 = SIMD8<Float>(), s01 = SIMD8<Float>(), s02 = SIMD8<Float>()
        var s10 = SIMD8<Float>(), s11 = SIMD8<Float>(), s12 = SIMD8<Float>()
        var s20 = SIMD8<Float>(), s21 = SIMD8<Float>(), s22 = SIMD8<Float>()
        var s30 = SIMD8<Float>(), s31 = SIMD8<Float>(), s32 = SIMD8<Float>()

        /// `addingProduct` compiles to an FMA.
        @inline(__always)
        mutating func add(_ a0: SIMD8<Float>, _ a1: SIMD8<Float>, _ a2: SIMD8<Float>, _ a3: SIMD8<Float>,
                          _ b0: SIMD8<Float>, _ b1: SIMD8<Float>, _ b2: SIMD8<Float>) {
            s00 = s00.addingProduct(a0, b0); s01 = s01.addingProduct(a0, b1); s02 = s02.addingProduct(a0, b2)
            s10 = s10.addingProduct(a1, b0); s11 = s11.addingProduct(a1, b1); s12 = s12.addingProduct(a1, b2)
            s20 = s20.addingProduct(a2, b0); s21 = s21.addingProduct(a2, b1); s22 = s22.addingProduct(a2, b2)
            s30 = s30.addingProduct(a3, b0); s31 = s31.addingProduct(a3, b1); s32 = s32.addingProduct(a3, b2)
        }

        func accumulator(_ r: Int, _ q: Int) -> SIMD8<Float> {
            switch (r, q) {
            case (0, 0): return s00
            case (0, 1): return s01
            case (0, 2): return s02
            case (1, 0): return s10
            case (1, 1): return s11
            case (1, 2): return s12
            case (2, 0): return s20
            case (2, 1): return s21
            case (2, 2): return s22
            case (3, 0): return s30
            case (3, 1): return s31
            default: return s32
            }
        }
    }
}
