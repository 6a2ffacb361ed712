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

    @Test func transposeSwapsRowsAndColumns() {
        let b: [Float] = [1, 2, 3, 0, 4, 5, 6, 0]   // (2, 3) with leading dimension 4
        var t = [Float](repeating: 0, count: 6)
        SmallProduct.transpose(b, rows: 2, columns: 3, ldb: 4, into: &t)
        #expect(t == [1, 4, 2, 5, 3, 6])
    }
}
