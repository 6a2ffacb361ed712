/// exp, the logistic function and tanh on 8 lanes at a time, for the recurrent cells' gates:
/// Foundation's `exp` and `tanh` on Float are one libm call per value, which made the gate
/// arithmetic most of an LSTM step. exp is Cephes' expf (range reduction by ln 2 in two parts,
/// a degree-6 polynomial, the exponent put in by bits): a few ulp over the clamped range. The
/// integer part is found with the 1.5·2²³ trick rather than a float-to-int conversion, which
/// Swift's generic SIMD conversion ran lane by lane.
public enum VectorMath {
    /// Inlinable: the attention softmax in DLTNN calls it per 8 scores.
    @inlinable @inline(__always)
    public static func exp(_ v: SIMD8<Float>) -> SIMD8<Float> {
        let x0 = v.replacing(with: -87.3, where: v .< -87.3).replacing(with: 88.3, where: v .> 88.3)
        // x0·log2(e) rounded to the nearest integer n, held in the low mantissa bits of `shifted`.
        let magic = SIMD8<Float>(repeating: 12_582_912)   // 1.5 · 2^23, bits 0x4B400000
        let shifted = x0 * 1.44269504088896341 + magic
        let n = shifted - magic
        var x = x0 - n * 0.693359375
        x = x - n * -2.12194440e-4
        let z = x * x
        var y = SIMD8<Float>(repeating: 1.9875691500e-4)
        y = y * x + 1.3981999507e-3
        y = y * x + 8.3334519073e-3
        y = y * x + 4.1665795894e-2
        y = y * x + 1.6666665459e-1
        y = y * x + 5.0000001201e-1
        y = y * z + x + 1
        let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
        return y * unsafeBitCast((integer &+ 127) &<< 23, to: SIMD8<Float>.self)
    }

    /// x[0..<count] = 1 / (1 + e^−x), in place.
    public static func logistic(_ x: UnsafeMutablePointer<Float>, count: Int) {
        apply(x, count: count) { 1 / (1 + exp(-$0)) }
    }

    /// x[0..<count] = tanh(x) = 2 / (1 + e^−2x) − 1, in place.
    public static func tanh(_ x: UnsafeMutablePointer<Float>, count: Int) {
        apply(x, count: count) { 2 / (1 + exp(-2 * $0)) - 1 }
    }

    /// `f` over 8 lanes at a time; the tail goes through the same lanes (zero-padded), so every
    /// element gets the same arithmetic wherever it sits.
    @inline(__always)
    private static func apply(_ x: UnsafeMutablePointer<Float>, count: Int, _ f: (SIMD8<Float>) -> SIMD8<Float>) {
        var i = 0
        while i + 8 <= count {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(x + i).storeBytes(of: f(v), as: SIMD8<Float>.self)
            i += 8
        }
        guard i < count else { return }
        var v = SIMD8<Float>(repeating: 0)
        for k in 0..<(count - i) { v[k] = x[i + k] }
        let y = f(v)
        for k in 0..<(count - i) { x[i + k] = y[k] }
    }
}
