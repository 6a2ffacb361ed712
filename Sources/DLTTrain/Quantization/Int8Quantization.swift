/// The int8 arithmetic of ONNX's QuantizeLinear / DequantizeLinear, and the scale and zero point
/// that onnxruntime's `quantize_static` (QDQ, S8S8) derives from a range:
///
///     q = saturate(round_half_even(x / scale) + zero_point)   in [-128, 127]
///     x' = Float(q - zero_point) * scale
///
/// Activations are asymmetric int8 over [min(lo, 0), max(hi, 0)]: scale = (hi - lo) / 255,
/// zero_point = round(-128 - lo / scale). Weights are symmetric in [-127, 127], zero point 0:
/// scale = max|w| / 127. Biases are int32 at input scale × weight scale, zero point 0.
public struct Int8Quantization: Equatable, Sendable {
    public let scale: Float
    public let zeroPoint: Int32

    public static let lowest: Int32 = -128
    public static let highest: Int32 = 127

    public init(scale: Float, zeroPoint: Int32) {
        self.scale = scale; self.zeroPoint = zeroPoint
    }

    /// Asymmetric parameters for values seen in [low, high]; the range always holds 0, so that
    /// 0 (padding, ReLU's floor) is exact. An empty or zero range gets scale 1.
    public static func activation(low: Float, high: Float) -> Int8Quantization {
        let lo = min(low, 0), hi = max(high, 0)
        let scale = (hi - lo) / Float(highest - lowest)
        guard scale > Float.ulpOfOne, scale.isFinite else { return Int8Quantization(scale: 1, zeroPoint: 0) }
        let zero = (Float(lowest) - lo / scale).rounded(.toNearestOrEven)
        return Int8Quantization(scale: scale, zeroPoint: Int32(min(max(zero, Float(lowest)), Float(highest))))
    }

    /// Symmetric parameters for weights whose largest magnitude is `maxMagnitude`.
    public static func weight(maxMagnitude: Float) -> Int8Quantization {
        let scale = maxMagnitude / Float(highest)
        guard scale > Float.ulpOfOne, scale.isFinite else { return Int8Quantization(scale: 1, zeroPoint: 0) }
        return Int8Quantization(scale: scale, zeroPoint: 0)
    }

    /// QuantizeLinear: x / scale rounded half to even, plus the zero point, clipped to int8.
    @inline(__always)
    public func quantize(_ x: Float) -> Int32 {
        let shifted = (x / scale).rounded(.toNearestOrEven) + Float(zeroPoint)
        return Int32(min(max(shifted, Float(Self.lowest)), Float(Self.highest)))
    }

    /// DequantizeLinear.
    @inline(__always)
    public func dequantize(_ q: Int32) -> Float { Float(q - zeroPoint) * scale }

    /// dequantize(quantize(x)) for each of `count` values, in place.
    public func roundTrip(_ values: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { values[i] = dequantize(quantize(values[i])) }
    }

    /// The int32 of a bias at `scale` (input scale × weight scale), zero point 0, as
    /// DequantizeLinear reads it back: Float(q) * scale.
    public static func quantizeBias(_ b: Float, scale: Float) -> Int32 {
        let q = (b / scale).rounded(.toNearestOrEven)
        return Int32(min(max(q, -2_147_483_520), 2_147_483_520))   // the largest floats inside int32
    }
}
