/// Vectorised element-wise loops for the hot paths of conv layers. The compiler does not
/// vectorise the plain loops (it cannot rule out aliasing between the pointers), so these work
/// on SIMD16<Float> chunks explicitly, with a scalar tail.
public enum Elementwise {
    /// dst[i] = out[i] > 0 ? src[i] : 0  (the ReLU derivative applied while copying a gradient).
    @inline(__always)
    public static func copyWherePositive(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>,
                                         mask out: UnsafePointer<Float>, count: Int) {
        var i = 0
        while i + 16 <= count {
            let v = UnsafeRawPointer(src + i).loadUnaligned(as: SIMD16<Float>.self)
            let o = UnsafeRawPointer(out + i).loadUnaligned(as: SIMD16<Float>.self)
            let r = SIMD16<Float>(repeating: 0).replacing(with: v, where: o .> 0)
            UnsafeMutableRawPointer(dst + i).storeBytes(of: r, as: SIMD16<Float>.self)
            i += 16
        }
        while i < count { dst[i] = out[i] > 0 ? src[i] : 0; i += 1 }
    }

    /// dst[i] = src[i] + bias, or max(src[i] + bias, 0) with `relu`.
    @inline(__always)
    public static func addBias(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, bias: Float,
                               count: Int, relu: Bool) {
        var i = 0
        let b = SIMD16<Float>(repeating: bias)
        if relu {
            while i + 16 <= count {
                var v = UnsafeRawPointer(src + i).loadUnaligned(as: SIMD16<Float>.self) + b
                v.replace(with: 0, where: v .< 0)
                UnsafeMutableRawPointer(dst + i).storeBytes(of: v, as: SIMD16<Float>.self)
                i += 16
            }
        } else {
            while i + 16 <= count {
                let v = UnsafeRawPointer(src + i).loadUnaligned(as: SIMD16<Float>.self) + b
                UnsafeMutableRawPointer(dst + i).storeBytes(of: v, as: SIMD16<Float>.self)
                i += 16
            }
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
}
