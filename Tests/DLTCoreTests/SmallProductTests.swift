import DLTCore
import Testing

/// SmallProduct against the plain triple loop: rows not a multiple of 4 or 8, columns through
/// every block (16 wide, 8 wide, one by one), leading dimensions wider than the matrices, A
/// transposed or not, alpha.
struct SmallProductTests {
    @Test(arguments: [false, true], [(m: 5, n: 11, k: 3), (m: 16, n: 8, k: 16), (m: 2, n: 17, k: 8), (m: 13, n: 27, k: 5)])
    func matchesTheDefinition(transposeA: Bool, size: (m: Int, n: Int, k: Int)) {
        let (m, n, k) = size, lda = (transposeA ? m : k) + 2, ldb = n + 3, ldc = n + 1, alpha: Float = 0.5
        var random = SeededRandom(seed: 8)
        let a = (0..<((transposeA ? k : m) * lda)).map { _ in random.uniform(-1, 1) }
        let b = (0..<(k * ldb)).map { _ in random.uniform(-1, 1) }
        var c = [Float](repeating: .nan, count: (m + 1) * ldc)   // a row past the matrix
        SmallProduct.multiply(transposeA: transposeA, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                              c: &c, ldc: ldc)
        for i in 0..<m {
            for j in 0..<n {
                var expected: Float = 0
                for p in 0..<k { expected += (transposeA ? a[p * lda + i] : a[i * lda + p]) * b[p * ldb + j] }
                #expect(abs(c[i * ldc + j] - alpha * expected) < 1e-5, "C[\(i), \(j)]")
            }
            #expect(c[i * ldc + n].isNaN, "column \(n) is past the matrix and must stay unwritten")
        }
        let pastTheRows = c[(m * ldc)...].allSatisfy { $0.isNaN }
        #expect(pastTheRows, "row \(m) is past the matrix and must stay unwritten")
    }

    /// accumulate: C += A · B on top of C's values, rows not a multiple of 6, columns through
    /// the 16-wide, 8-wide and one-by-one blocks, and each element the same bits whether its
    /// row is computed alone or with the others (a batch split).
    @Test(arguments: [(m: 7, n: 44, k: 5), (m: 6, n: 16, k: 32), (m: 1, n: 8, k: 3), (m: 13, n: 3, k: 9)])
    func accumulateAddsTheProductToC(size: (m: Int, n: Int, k: Int)) {
        let (m, n, k) = size, lda = k + 2, ldb = n + 3, ldc = n + 1
        var random = SeededRandom(seed: 9)
        let a = (0..<(m * lda)).map { _ in random.uniform(-1, 1) }
        let b = (0..<(k * ldb)).map { _ in random.uniform(-1, 1) }
        var start = (0..<((m + 1) * ldc)).map { _ in random.uniform(-1, 1) }
        for j in n..<ldc { for i in 0...m { start[i * ldc + j] = .nan } }
        for j in 0..<n { start[m * ldc + j] = .nan }   // a row past the matrix
        var c = start
        SmallProduct.accumulate(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: &c, ldc: ldc)
        for i in 0..<m {
            for j in 0..<n {
                var expected = Double(start[i * ldc + j])
                for p in 0..<k { expected += Double(a[i * lda + p]) * Double(b[p * ldb + j]) }
                #expect(abs(Double(c[i * ldc + j]) - expected) < 1e-4, "C[\(i), \(j)]")
            }
            #expect(c[i * ldc + n].isNaN, "column \(n) is past the matrix and must stay unwritten")
        }
        #expect(c[(m * ldc)...].allSatisfy { $0.isNaN }, "row \(m) is past the matrix and must stay unwritten")
        for i in 0..<m {
            var row = Array(start[(i * ldc)..<((i + 1) * ldc)])
            a.withUnsafeBufferPointer { a in
                SmallProduct.accumulate(m: 1, n: n, k: k, a: a.baseAddress! + i * lda, lda: lda, b: b, ldb: ldb, c: &row, ldc: ldc)
            }
            #expect(row[0..<n] == c[(i * ldc)..<(i * ldc + n)], "row \(i) alone gives other bits")
        }
    }

    @Test func transposeSwapsRowsAndColumns() {
        let b: [Float] = [1, 2, 3, 0, 4, 5, 6, 0]   // (2, 3) with leading dimension 4
        var t = [Float](repeating: 0, count: 6)
        SmallProduct.transpose(b, rows: 2, columns: 3, ldb: 4, into: &t)
        #expect(t == [1, 4, 2, 5, 3, 6])
    }
}
