import CBLAS

/// The one door to BLAS: every matrix product in dlt goes through `Gemm.multiply`.
/// Row-major, C = alpha * op(A) * op(B) + beta * C, with op(A) m x k, op(B) k x n, C m x n.
public enum Gemm {
    @inline(__always)
    public static func multiply(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        cblas_sgemm(CblasRowMajor,
                    transposeA ? CblasTrans : CblasNoTrans,
                    transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha,
                    a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// C = op(A) · op(B) + bias (bias [n] added to every row; nil: none). C starts as the bias
    /// rows and sgemm adds onto it with beta 1, instead of OpenBLAS's beta-0 pass (which zeroes
    /// C first) and a separate bias pass: on narrow layers (K = 32) those two passes cost as
    /// much as a good part of the product (docs/performance.md, 2026-12-03).
    @inline(__always)
    public static func multiply(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        rowBias bias: UnsafePointer<Float>?,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard let bias else {
            multiply(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc)
            return
        }
        for r in 0..<m { (c + r * ldc).update(from: bias, count: n) }
        multiply(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
                 beta: 1, c: c, ldc: ldc)
    }

    /// OpenBLAS's own thread count. dlt keeps it at 1 and splits the batch itself:
    /// OpenBLAS's threads lose on the small matrices of a per-thread batch slice.
    public static func setLibraryThreads(_ count: Int) {
        openblas_set_num_threads(Int32(count))
    }

    /// The BLAS library in use as OpenBLAS describes its build, e.g.
    /// "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64".
    public static var libraryConfiguration: String {
        guard let config = openblas_get_config() else { return "unknown" }
        // OpenBLAS ends the text with a space; words are kept, runs of spaces collapsed.
        return String(cString: config).split(separator: " ").joined(separator: " ")
    }
}
