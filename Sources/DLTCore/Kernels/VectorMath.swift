/// exp, the logistic function and tanh on 8 lanes at a time, for the recurrent cells' gates:
/// Foundation's `exp` and `tanh` on Float are one libm call per value, which made the gate
/// arithmetic most of an LSTM step. exp is Cephes' expf (range reduction by ln 2 in two parts,
/// a degree-6 polynomial, the exponent put in by bits): a few ulp over the clamped range. The
/// integer part is found with the 1.5·2²³ trick rather than a float-to-int conversion, which
/// Swift's generic SIMD conversion ran lane by lane. Each multiply-add is written as a fused one
/// (`addingProduct`): Swift does not contract `a * b + c` itself.
public enum VectorMath {
    /// Inlinable: the attention softmax in DLTNN calls it per 8 scores.
    @inlinable @inline(__always)
    public static func exp(_ v: SIMD8<Float>) -> SIMD8<Float> {
        let x0 = v.replacing(with: -87.3, where: v .< -87.3).replacing(with: 88.3, where: v .> 88.3)
        // x0·log2(e) rounded to the nearest integer n, held in the low mantissa bits of `shifted`.
        let magic = SIMD8<Float>(repeating: 12_582_912)   // 1.5 · 2^23, bits 0x4B400000
        let shifted = magic.addingProduct(x0, 1.44269504088896341)
        let n = shifted - magic
        var x = x0.addingProduct(n, -0.693359375)
        x = x.addingProduct(n, 2.12194440e-4)
        let z = x * x
        var y = SIMD8<Float>(repeating: 1.9875691500e-4)
        y = SIMD8(repeating: 1.3981999507e-3).addingProduct(y, x)
        y = SIMD8(repeating: 8.3334519073e-3).addingProduct(y, x)
        y = SIMD8(repeating: 4.1665795894e-2).addingProduct(y, x)
        y = SIMD8(repeating: 1.6666665459e-1).addingProduct(y, x)
        y = SIMD8(repeating: 5.0000001201e-1).addingProduct(y, x)
        y = (x + 1).addingProduct(y, z)
        let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
        return y * unsafeBitCast((integer &+ 127) &<< 23, to: SIMD8<Float>.self)
    }

    /// 1 / (1 + e^−v).
    @inlinable @inline(__always)
    public static func logistic(_ v: SIMD8<Float>) -> SIMD8<Float> { 1 / (1 + exp(-v)) }

    /// tanh(v) = 2 / (1 + e^−2v) − 1.
    @inlinable @inline(__always)
    public static func tanh(_ v: SIMD8<Float>) -> SIMD8<Float> { 2 / (1 + exp(-2 * v)) - 1 }

    /// x[0..<count] = 1 / (1 + e^−x), in place.
    public static func logistic(_ x: UnsafeMutablePointer<Float>, count: Int) {
        apply(x, count: count) { logistic($0) }
    }

    /// x[0..<count] = tanh(x), in place.
    public static func tanh(_ x: UnsafeMutablePointer<Float>, count: Int) {
        apply(x, count: count) { tanh($0) }
    }

    /// Lanes p[i..<min(i + 8, count)], zero past `count`: a loop over 8-lane blocks gives its
    /// tail the same arithmetic as every other block.
    @inlinable @inline(__always)
    public static func lanes(_ p: UnsafePointer<Float>, _ i: Int, count: Int) -> SIMD8<Float> {
        if i + 8 <= count { return UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self) }
        var v = SIMD8<Float>(repeating: 0)
        for k in 0..<(count - i) { v[k] = p[i + k] }
        return v
    }

    /// Stores the lanes of `v` that fall before `count` at p[i...].
    @inlinable @inline(__always)
    public static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ i: Int, count: Int) {
        if i + 8 <= count { UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: SIMD8<Float>.self); return }
        for k in 0..<(count - i) { p[i + k] = v[k] }
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
