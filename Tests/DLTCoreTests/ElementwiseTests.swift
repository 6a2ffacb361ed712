import DLTCore
import Testing

/// The SIMD loops against plain scalar loops, at every length around their vector widths
/// (tails of 0-15 floats, the overlapping last vector, and counts under 4).
struct ElementwiseTests {
    static let counts = Array(0...70)

    private func values(_ count: Int, seed: Float) -> [Float] {
        (0..<count).map { Float($0) * 0.37 - seed + Float($0 % 3) * seed }
    }

    @Test(arguments: counts)
    func copyShortCopiesExactlyCountFloats(_ count: Int) {
        let src = values(count, seed: 1.5)
        var dst = [Float](repeating: -7, count: count + 8)
        dst.withUnsafeMutableBufferPointer { d in
            src.withUnsafeBufferPointer { s in
                if count > 0 { Elementwise.copyShort(d.baseAddress!, s.baseAddress!, count: count) }
            }
        }
        #expect(Array(dst[0..<count]) == src)
        #expect(dst[count...].allSatisfy { $0 == -7 })
    }

    @Test(arguments: counts)
    func addShortAddsExactlyCountFloats(_ count: Int) {
        let src = values(count, seed: 0.25)
        let start = values(count + 8, seed: 2)
        var dst = start
        dst.withUnsafeMutableBufferPointer { d in
            src.withUnsafeBufferPointer { s in
                if count > 0 { Elementwise.addShort(d.baseAddress!, s.baseAddress!, count: count) }
            }
        }
        #expect(Array(dst[0..<count]) == (0..<count).map { start[$0] + src[$0] })
        #expect(Array(dst[count...]) == Array(start[count...]))
    }

    /// Counts through every step of the loops: 16 lanes, then 8 (28, 14), 4 (13, 28) and one by one.
    @Test(arguments: [0, 1, 5, 13, 14, 16, 17, 28, 31, 33, 70])
    func addBiasAndCopyWherePositiveMatchScalarLoops(_ count: Int) {
        let src = values(count, seed: 3), mask = values(count, seed: 1)
        var out = [Float](repeating: 0, count: count), relu = out, masked = out
        out.withUnsafeMutableBufferPointer { o in
            relu.withUnsafeMutableBufferPointer { r in
                masked.withUnsafeMutableBufferPointer { m in
                    src.withUnsafeBufferPointer { s in
                        mask.withUnsafeBufferPointer { k in
                            guard count > 0 else { return }
                            Elementwise.addBias(o.baseAddress!, s.baseAddress!, bias: 0.5, count: count, relu: false)
                            Elementwise.addBias(r.baseAddress!, s.baseAddress!, bias: 0.5, count: count, relu: true)
                            Elementwise.copyWherePositive(m.baseAddress!, s.baseAddress!, mask: k.baseAddress!, count: count)
                        }
                    }
                }
            }
        }
        #expect(out == src.map { $0 + 0.5 })
        #expect(relu == src.map { max($0 + 0.5, 0) })
        #expect(masked == (0..<count).map { mask[$0] > 0 ? src[$0] : 0 })
    }
}
