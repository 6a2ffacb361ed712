/// C = alpha · op(A) · B (or C += A · B) for small matrices: one attention head's (sequence
/// length x head size, 16 x 8 in text_transformer) and a recurrent layer's per-step product,
/// where sgemm's per-call packing and beta pass cost more than the arithmetic: each row of C is built in 8-lane vectors across its columns, one fused
/// multiply-add per (row, k, vector), in a fixed order.
public enum SmallProduct {
    typealias Lanes = SIMD8<Float>

    /// C (m, n) = alpha · A (m, k) · B (k, n), or alpha · Aᵀ · B with A stored (k, m); rows of
    /// B and C are contiguous over n. Eight accumulators at a time, so that eight independent
    /// chains of multiply-adds hide each one's latency: 4 rows x 16 columns, then 8 rows x 8
    /// columns (a head's C_h = P V_h is 8 wide), then the last columns one by one. Every
    /// element is the same sum, k = 0 first, whichever block computes it.
    public static func multiply(transposeA: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
                                a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                                c: UnsafeMutablePointer<Float>, ldc: Int) {
        let operand = Operand(a: a, rowStride: transposeA ? 1 : lda, depthStride: transposeA ? lda : 1, rows: m)
        var j = 0
        while j + 16 <= n {
            for i in Swift.stride(from: 0, to: m, by: 4) {
                fourRows(operand, from: i, k: k, alpha: alpha, b: b + j, ldb: ldb, c: c + i * ldc + j, ldc: ldc)
            }
            j += 16
        }
        while j + 8 <= n {
            for i in Swift.stride(from: 0, to: m, by: 8) {
                eightRows(operand, from: i, k: k, alpha: alpha, b: b + j, ldb: ldb, c: c + i * ldc + j, ldc: ldc)
            }
            j += 8
        }
        for i in 0..<m {
            let row = operand.row(i)
            for col in j..<n {
                var sum: Float = 0
                for p in 0..<k { sum = sum.addingProduct(row[p * operand.depthStride], b[p * ldb + col]) }
                c[i * ldc + col] = sum * alpha
            }
        }
    }

    /// C (m, n) += A (m, k) · B (k, n), rows of A, B and C contiguous (strides lda, ldb, ldc): a
    /// recurrent layer's per-step product h_prev · W_hhᵀ (32 x 128 x 32 in text_lstm), where
    /// OpenBLAS's per-call packing made it 4.6 µs against 3.3 µs here (docs/performance.md).
    /// 6 rows x 16 columns at a time in 12 accumulators, then 6 x 8, then column by column; each
    /// element is one chain, k = 0 first, then added to C, so it does not depend on m or on which
    /// block computed it: a batch split gives the same bits.
    public static func accumulate(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                                  b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0 else { return }
        let operand = Operand(a: a, rowStride: lda, depthStride: 1, rows: m)
        var j = 0
        while j + 8 <= n {
            let wide = j + 16 <= n
            for i in Swift.stride(from: 0, to: m, by: 6) {
                sixRows(operand, from: i, k: k, wide: wide, b: b + j, ldb: ldb, c: c + i * ldc + j, ldc: ldc)
            }
            j += wide ? 16 : 8
        }
        for i in 0..<m {
            for col in j..<n {
                var sum: Float = 0
                for p in 0..<k { sum = sum.addingProduct(a[i * lda + p], b[p * ldb + col]) }
                c[i * ldc + col] += sum
            }
        }
    }

    /// C rows i..<i+6 (those below m) += their sums, columns 0..<16 (`wide`) or 0..<8.
    @inline(__always)
    private static func sixRows(_ a: Operand, from i: Int, k: Int, wide: Bool,
                                b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
        let r0 = a.row(i), r1 = a.row(i + 1), r2 = a.row(i + 2), r3 = a.row(i + 3), r4 = a.row(i + 4), r5 = a.row(i + 5)
        var s00 = Lanes(), s10 = Lanes(), s20 = Lanes(), s30 = Lanes(), s40 = Lanes(), s50 = Lanes()
        var s01 = Lanes(), s11 = Lanes(), s21 = Lanes(), s31 = Lanes(), s41 = Lanes(), s51 = Lanes()
        if wide {
            for p in 0..<k {
                let v0 = load(b + p * ldb), v1 = load(b + p * ldb + 8)
                var x = Lanes(repeating: r0[p]); s00 = s00.addingProduct(x, v0); s01 = s01.addingProduct(x, v1)
                x = Lanes(repeating: r1[p]); s10 = s10.addingProduct(x, v0); s11 = s11.addingProduct(x, v1)
                x = Lanes(repeating: r2[p]); s20 = s20.addingProduct(x, v0); s21 = s21.addingProduct(x, v1)
                x = Lanes(repeating: r3[p]); s30 = s30.addingProduct(x, v0); s31 = s31.addingProduct(x, v1)
                x = Lanes(repeating: r4[p]); s40 = s40.addingProduct(x, v0); s41 = s41.addingProduct(x, v1)
                x = Lanes(repeating: r5[p]); s50 = s50.addingProduct(x, v0); s51 = s51.addingProduct(x, v1)
            }
        } else {
            for p in 0..<k {
                let v0 = load(b + p * ldb)
                s00 = s00.addingProduct(Lanes(repeating: r0[p]), v0); s10 = s10.addingProduct(Lanes(repeating: r1[p]), v0)
                s20 = s20.addingProduct(Lanes(repeating: r2[p]), v0); s30 = s30.addingProduct(Lanes(repeating: r3[p]), v0)
                s40 = s40.addingProduct(Lanes(repeating: r4[p]), v0); s50 = s50.addingProduct(Lanes(repeating: r5[p]), v0)
            }
        }
        let rows = min(6, a.rows - i)
        addRow(s00, s01, c, wide: wide)
        if rows > 1 { addRow(s10, s11, c + ldc, wide: wide) }
        if rows > 2 { addRow(s20, s21, c + 2 * ldc, wide: wide) }
        if rows > 3 { addRow(s30, s31, c + 3 * ldc, wide: wide) }
        if rows > 4 { addRow(s40, s41, c + 4 * ldc, wide: wide) }
        if rows > 5 { addRow(s50, s51, c + 5 * ldc, wide: wide) }
    }

    @inline(__always)
    private static func addRow(_ low: Lanes, _ high: Lanes, _ row: UnsafeMutablePointer<Float>, wide: Bool) {
        store(load(row) + low, row)
        if wide { store(load(row + 8) + high, row + 8) }
    }

    /// A's rows as the products read them: a block past the last row repeats it, and its sums
    /// are not stored.
    struct Operand {
        let a: UnsafePointer<Float>, rowStride: Int, depthStride: Int, rows: Int

        @inline(__always)
        func row(_ i: Int) -> UnsafePointer<Float> { a + min(i, rows - 1) * rowStride }
    }

    /// C rows i..<i+4 (those below m), columns 0..<16 of the given b and c.
    @inline(__always)
    private static func fourRows(_ a: Operand, from i: Int, k: Int, alpha: Float,
                                 b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
        let r0 = a.row(i), r1 = a.row(i + 1), r2 = a.row(i + 2), r3 = a.row(i + 3), ds = a.depthStride
        var s00 = Lanes(), s01 = Lanes(), s10 = Lanes(), s11 = Lanes()
        var s20 = Lanes(), s21 = Lanes(), s30 = Lanes(), s31 = Lanes()
        for p in 0..<k {
            let v0 = load(b + p * ldb), v1 = load(b + p * ldb + 8), o = p * ds
            let a0 = Lanes(repeating: r0[o]), a1 = Lanes(repeating: r1[o])
            let a2 = Lanes(repeating: r2[o]), a3 = Lanes(repeating: r3[o])
            s00 = s00.addingProduct(a0, v0); s01 = s01.addingProduct(a0, v1)
            s10 = s10.addingProduct(a1, v0); s11 = s11.addingProduct(a1, v1)
            s20 = s20.addingProduct(a2, v0); s21 = s21.addingProduct(a2, v1)
            s30 = s30.addingProduct(a3, v0); s31 = s31.addingProduct(a3, v1)
        }
        let rows = min(4, a.rows - i)
        store(s00 * alpha, c); store(s01 * alpha, c + 8)
        if rows > 1 { store(s10 * alpha, c + ldc); store(s11 * alpha, c + ldc + 8) }
        if rows > 2 { store(s20 * alpha, c + 2 * ldc); store(s21 * alpha, c + 2 * ldc + 8) }
        if rows > 3 { store(s30 * alpha, c + 3 * ldc); store(s31 * alpha, c + 3 * ldc + 8) }
    }

    /// C rows i..<i+8 (those below m), columns 0..<8 of the given b and c.
    @inline(__always)
    private static func eightRows(_ a: Operand, from i: Int, k: Int, alpha: Float,
                                  b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
        let r0 = a.row(i), r1 = a.row(i + 1), r2 = a.row(i + 2), r3 = a.row(i + 3)
        let r4 = a.row(i + 4), r5 = a.row(i + 5), r6 = a.row(i + 6), r7 = a.row(i + 7), ds = a.depthStride
        var s0 = Lanes(), s1 = Lanes(), s2 = Lanes(), s3 = Lanes()
        var s4 = Lanes(), s5 = Lanes(), s6 = Lanes(), s7 = Lanes()
        for p in 0..<k {
            let v = load(b + p * ldb), o = p * ds
            s0 = s0.addingProduct(Lanes(repeating: r0[o]), v); s1 = s1.addingProduct(Lanes(repeating: r1[o]), v)
            s2 = s2.addingProduct(Lanes(repeating: r2[o]), v); s3 = s3.addingProduct(Lanes(repeating: r3[o]), v)
            s4 = s4.addingProduct(Lanes(repeating: r4[o]), v); s5 = s5.addingProduct(Lanes(repeating: r5[o]), v)
            s6 = s6.addingProduct(Lanes(repeating: r6[o]), v); s7 = s7.addingProduct(Lanes(repeating: r7[o]), v)
        }
        let rows = min(8, a.rows - i)
        store(s0 * alpha, c)
        if rows > 1 { store(s1 * alpha, c + ldc) }
        if rows > 2 { store(s2 * alpha, c + 2 * ldc) }
        if rows > 3 { store(s3 * alpha, c + 3 * ldc) }
        if rows > 4 { store(s4 * alpha, c + 4 * ldc) }
        if rows > 5 { store(s5 * alpha, c + 5 * ldc) }
        if rows > 6 { store(s6 * alpha, c + 6 * ldc) }
        if rows > 7 { store(s7 * alpha, c + 7 * ldc) }
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>) -> Lanes {
        UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
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
