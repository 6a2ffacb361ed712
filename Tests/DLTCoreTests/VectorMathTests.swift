import DLTCore
import Foundation
import Testing

/// The vector exp, logistic and tanh against Foundation's, over the range the gates see and
/// at the clamps, with a tail that is not a multiple of 8 lanes.
struct VectorMathTests {
    static let values: [Float] = (0..<203).map { Float($0 - 101) * 0.173 } + [-100, -88, 0, 1e-6, -1e-6, 88, 100]

    @Test func logisticAndTanhMatchFoundation() {
        var logistic = Self.values, tangent = Self.values
        logistic.withUnsafeMutableBufferPointer { VectorMath.logistic($0.baseAddress!, count: $0.count) }
        tangent.withUnsafeMutableBufferPointer { VectorMath.tanh($0.baseAddress!, count: $0.count) }
        for (k, v) in Self.values.enumerated() {
            let d = Double(v)
            #expect(abs(Double(logistic[k]) - 1 / (1 + Foundation.exp(-d))) <= 2e-7, "logistic(\(v))")
            #expect(abs(Double(tangent[k]) - Foundation.tanh(d)) <= 3e-7, "tanh(\(v))")
        }
    }

    @Test func expIsWithinAFewUlps() {
        for v in Self.values where abs(v) < 87 {
            let got = VectorMath.exp(SIMD8(repeating: v))[3], want = Foundation.exp(Double(v))
            #expect(abs(Double(got) - want) <= 4e-7 * want, "exp(\(v))")
        }
    }
}
