/// Vectorised element-wise loops for the hot paths of conv layers. The compiler does not
/// vectorise the plain loops (it cannot rule out aliasing between the pointers), so these work
/// on SIMD16<Float> chunks explicitly (some then on 8 and 4 lanes), with a scalar tail.
public enum Elementwise {
    /// dst[i] = out[i] > 0 ? src[i] : 0  (the ReLU derivative applied while copying a gradient).
    @inline(__always)
    public static func copyWherePositive(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>,
                                         mask out: UnsafePointer<Float>, count: Int) {
        var i = 0
        while i + 16 <= count {
            let r = SIMD16<Float>(repeating: 0).replacing(with: load(src, i), where: load(out, i) .> 0)
            UnsafeMutableRawPointer(dst + i).storeBytes(of: r, as: SIMD16<Float>.self)
            i += 16
        }
        while i < count { dst[i] = out[i] > 0 ? src[i] : 0; i += 1 }
    }

    /// The vector at p + i, of the width the caller asks for.
    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>, _ i: Int) -> SIMD16<Float> {
        UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>, _ i: Int) -> SIMD8<Float> {
        UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>, _ i: Int) -> SIMD4<Float> {
        UnsafeRawPointer(p + i).loadUnaligned(as: SIMD4<Float>.self)
    }

    /// dst[i] = src[i] + bias, or max(src[i] + bias, 0) with `relu`; dst may be src (in place).
    @inline(__always)
    public static func addBias(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, bias: Float,
                               count: Int, relu: Bool) {
        // 16, 8, then 4 lanes, then one by one: a conv's output rows are often 28 or 14 floats,
        // and 12 of 28 one by one cost the stem conv of resnet_small more than its correlation.
        var i = 0
        while i + 16 <= count {
            var v: SIMD16<Float> = load(src, i) + SIMD16(repeating: bias)
            if relu { v.replace(with: 0, where: v .< 0) }
            UnsafeMutableRawPointer(dst + i).storeBytes(of: v, as: SIMD16<Float>.self)
            i += 16
        }
        if i + 8 <= count {
            var v: SIMD8<Float> = load(src, i) + SIMD8(repeating: bias)
            if relu { v.replace(with: 0, where: v .< 0) }
            UnsafeMutableRawPointer(dst + i).storeBytes(of: v, as: SIMD8<Float>.self)
            i += 8
        }
        if i + 4 <= count {
            var v: SIMD4<Float> = load(src, i) + SIMD4(repeating: bias)
            if relu { v.replace(with: 0, where: v .< 0) }
            UnsafeMutableRawPointer(dst + i).storeBytes(of: v, as: SIMD4<Float>.self)
            i += 4
        }
        while i < count {
            let v = src[i] + bias
            dst[i] = relu ? max(v, 0) : v
            i += 1
        }
    }
}

extension Elementwise {
    /// Σ x², in 16 lanes (NaN or infinity anywhere makes the result non-finite). Used every step
    /// to check the gradients, so it must not be a serial float sum.
    public static func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = SIMD16<Float>(repeating: 0)
        var i = 0
        while i + 16 <= count {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
            lanes += v * v
            i += 16
        }
        var sum = lanes.sum()
        while i < count { sum += x[i] * x[i]; i += 1 }
        return sum
    }

    /// Σ x, in 16 lanes added in a fixed order (the same bits for the same input).
    @inlinable
    public static func sum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = SIMD16<Float>(repeating: 0)
        var i = 0
        while i + 16 <= count {
            lanes += UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
            i += 16
        }
        var sum = lanes.sum()
        while i < count { sum += x[i]; i += 1 }
        return sum
    }

    /// Σ (x - mean)², in 16 lanes added in a fixed order.
    @inlinable
    public static func sumOfSquaredDeviations(_ x: UnsafePointer<Float>, from mean: Float, count: Int) -> Float {
        var lanes = SIMD16<Float>(), i = 0
        let m = SIMD16<Float>(repeating: mean)
        while i + 16 <= count {
            let d = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self) - m
            lanes = lanes.addingProduct(d, d)
            i += 16
        }
        var total = lanes.sum()
        while i < count { let d = x[i] - mean; total += d * d; i += 1 }
        return total
    }
}

extension Elementwise {
    /// dst[0..<count] = src[0..<count] for the short runs of im2col (a conv's output rows are often
    /// 5-30 floats). A call to memmove per run costs more than the copy, and LLVM's auto-vectorised
    /// loop (16 lanes x 4) never runs for counts under 64. So: 16 lanes at a time, and the last
    /// 4-15 floats as two overlapping vectors (src and dst must not overlap each other). Inlinable:
    /// a call per row from another module cost about as much as the row's copy.
    @inlinable @inline(__always)
    public static func copyShort(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, count: Int) {
        if count >= 16 {
            var i = 0
            while i + 16 <= count { copyPair(dst, src, i, i, SIMD16<Float>.self); i += 16 }
            if i < count { copyPair(dst, src, count - 16, count - 16, SIMD16<Float>.self) }
        } else if count >= 8 {
            copyPair(dst, src, 0, count - 8, SIMD8<Float>.self)
        } else if count >= 4 {
            copyPair(dst, src, 0, count - 4, SIMD4<Float>.self)
        } else {
            for i in 0..<count { dst[i] = src[i] }
        }
    }

    /// Copies the vectors at `i` and `j`; both loads come before both stores.
    @inlinable @inline(__always)
    static func copyPair<V: SIMD>(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>,
                                          _ i: Int, _ j: Int, _: V.Type) where V.Scalar == Float {
        let a = UnsafeRawPointer(src + i).loadUnaligned(as: V.self)
        let b = UnsafeRawPointer(src + j).loadUnaligned(as: V.self)
        UnsafeMutableRawPointer(dst + i).storeBytes(of: a, as: V.self)
        UnsafeMutableRawPointer(dst + j).storeBytes(of: b, as: V.self)
    }

    /// dst[0..<count] += src[0..<count], stepping 16, 8, 4, then 1 (see `copyShort`).
    @inline(__always)
    public static func addShort(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, count: Int) {
        var i = 0
        while i + 16 <= count {
            let v = UnsafeRawPointer(dst + i).loadUnaligned(as: SIMD16<Float>.self) + UnsafeRawPointer(src + i).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(dst + i).storeBytes(of: v, as: SIMD16<Float>.self)
            i += 16
        }
        if i + 8 <= count {
            let v = UnsafeRawPointer(dst + i).loadUnaligned(as: SIMD8<Float>.self) + UnsafeRawPointer(src + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(dst + i).storeBytes(of: v, as: SIMD8<Float>.self)
            i += 8
        }
        if i + 4 <= count {
            let v = UnsafeRawPointer(dst + i).loadUnaligned(as: SIMD4<Float>.self) + UnsafeRawPointer(src + i).loadUnaligned(as: SIMD4<Float>.self)
            UnsafeMutableRawPointer(dst + i).storeBytes(of: v, as: SIMD4<Float>.self)
            i += 4
        }
        while i < count { dst[i] += src[i]; i += 1 }
    }

    /// dst = a + b, or max(a + b, 0) with `relu` (the bits of `addBias`'s ReLU), in one pass.
    public static func addPair(_ dst: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                               count: Int, relu: Bool) {
        var i = 0
        while i + 16 <= count {
            var v = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD16<Float>.self) + UnsafeRawPointer(b + i).loadUnaligned(as: SIMD16<Float>.self)
            if relu { v.replace(with: 0, where: v .< 0) }
            UnsafeMutableRawPointer(dst + i).storeBytes(of: v, as: SIMD16<Float>.self)
            i += 16
        }
        while i < count {
            let v = a[i] + b[i]
            dst[i] = relu ? max(v, 0) : v
            i += 1
        }
    }
}
