import DLTCore
import Foundation

/// Element-wise activations, fused into dense and conv2d (applied in place on their output) and
/// used by the stand-alone activation layers. Softmax runs over axis 1 (features, or channels of
/// an NCHW tensor), as PyTorch's nn.Softmax(dim=1).
public enum Activation: Equatable, Sendable {
    case identity, relu, leakyRelu(alpha: Float), sigmoid, tanh, gelu, softmax


    public var name: String {
        switch self {
        case .identity: return "linear"
        case .relu: return "relu"
        case .leakyRelu: return "leaky_relu"
        case .sigmoid: return "sigmoid"
        case .tanh: return "tanh"
        case .gelu: return "gelu"
        case .softmax: return "softmax"
        }
    }

    /// GELU's derivative needs the input, not only the output: layers keep it for backward.
    public var needsInput: Bool { self == .gelu }

    /// Applies the activation in place on `count` values laid out as (N, channels, inner).
    /// `channels` and `inner` matter only for softmax.
    public func apply(_ x: UnsafeMutablePointer<Float>, count: Int, channels: Int, inner: Int) {
        switch self {
        case .identity: return
        case .relu:
            for i in 0..<count { x[i] = max(x[i], 0) }
        case .leakyRelu(let alpha):
            for i in 0..<count { let v = x[i]; x[i] = v > 0 ? v : alpha * v }
        case .sigmoid:
            for i in 0..<count { x[i] = Activation.sigmoid(x[i]) }
        case .tanh:
            for i in 0..<count { x[i] = Foundation.tanh(x[i]) }
        case .gelu:
            for i in 0..<count { let v = x[i]; x[i] = 0.5 * v * (1 + erf(v * 0.70710678118654752)) }
        case .softmax:
            Activation.softmax(x, count: count, channels: channels, inner: inner)
        }
    }

    /// Turns `gradient` (dL/dy) into dL/dx in place, given the activation's output y and,
    /// for GELU, its input x.
    public func backward(output y: UnsafePointer<Float>, input x: UnsafePointer<Float>?,
                         gradient g: UnsafeMutablePointer<Float>, count: Int, channels: Int, inner: Int) {
        switch self {
        case .identity: return
        case .relu:
            for i in 0..<count where y[i] <= 0 { g[i] = 0 }
        case .leakyRelu(let alpha):
            for i in 0..<count where y[i] <= 0 { g[i] *= alpha }
        case .sigmoid:
            for i in 0..<count { g[i] *= y[i] * (1 - y[i]) }
        case .tanh:
            for i in 0..<count { g[i] *= 1 - y[i] * y[i] }
        case .gelu:
            let x = x!
            for i in 0..<count {
                let v = x[i]
                let cdf = 0.5 * (1 + erf(v * 0.70710678118654752))
                let pdf = exp(-0.5 * v * v) * 0.39894228040143268
                g[i] *= cdf + v * pdf
            }
        case .softmax:
            // dx_c = y_c * (g_c - sum_k g_k y_k), per (sample, position).
            let samples = count / max(channels * inner, 1)
            for n in 0..<samples {
                let base = n * channels * inner
                for p in 0..<inner {
                    var dot: Float = 0
                    for c in 0..<channels { let i = base + c * inner + p; dot += g[i] * y[i] }
                    for c in 0..<channels { let i = base + c * inner + p; g[i] = y[i] * (g[i] - dot) }
                }
            }
        }
    }

    @inline(__always)
    public static func sigmoid(_ v: Float) -> Float {
        if v >= 0 { return 1 / (1 + exp(-v)) }
        let e = exp(v)
        return e / (1 + e)
    }

    /// Stable softmax over axis 1 of (N, channels, inner), in place.
    public static func softmax(_ x: UnsafeMutablePointer<Float>, count: Int, channels: Int, inner: Int) {
        let samples = count / max(channels * inner, 1)
        for n in 0..<samples {
            let base = n * channels * inner
            for p in 0..<inner {
                var m = -Float.infinity
                for c in 0..<channels { m = max(m, x[base + c * inner + p]) }
                var sum: Float = 0
                for c in 0..<channels {
                    let i = base + c * inner + p
                    let e = exp(x[i] - m)
                    x[i] = e
                    sum += e
                }
                let inv = 1 / sum
                for c in 0..<channels { x[base + c * inner + p] *= inv }
            }
        }
    }
}
