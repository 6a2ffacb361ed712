import DLTCore
import Foundation

/// Batch normalisation with PyTorch's semantics (nn.BatchNorm1d / nn.BatchNorm2d).
/// Per-sample input (C, ...) normalises each C over the batch and every trailing position:
/// (N, C, H, W) per channel, (N, F) per feature, (N, C, L) per channel.
///
/// Training: y = gamma * (x - mean) / sqrt(var + eps) + beta with the batch mean and biased
/// variance; running = (1 - momentum) * running + momentum * batch, with the unbiased variance
/// (count / (count - 1); the biased one when count is 1). Evaluation uses the running statistics.
/// Parameters: "weight" (gamma, ones), "bias" (beta, zeros), saved state "running_mean" (zeros)
/// and "running_var" (ones). Values are set in `build`, not drawn at random.
///
/// A graph may run the ReLU layer that reads it alone inside it (`absorb(.relu)`): forward writes
/// relu(y) in the normalising pass, and backward first zeroes dL/dy where that output is not
/// positive (in the ReLU's own gradient buffer, which nothing else reads); the same bits as the
/// two layers.
public final class BatchNorm: ChannelAffineAtInference, AbsorbingLayer {
    public let name: String
    public var typeName: String { "batchnorm" }
    public let momentum: Float
    public let epsilon: Float
    public private(set) var channels = 0
    /// Positions per channel within one sample (H*W for images, 1 for vectors).
    public private(set) var inner = 0
    public private(set) var weight: Parameter!
    public private(set) var bias: Parameter!
    public private(set) var runningMean: Parameter!
    public private(set) var runningVar: Parameter!
    /// The mean and 1/sqrt(var + eps) the last forward normalised with, per channel.
    private let savedMean = Tensor(shape: [0])
    private let savedInvStd = Tensor(shape: [0])
    /// Vectors (inner 1): per-channel sums down the batch (Σ x, then Σ (x − mean)²) and the
    /// per-channel coefficients of the pass over rows (forward: scale, shift; backward: the
    /// three of dx), C of each.
    private var vectorSums = UnsafeMutableBufferPointer<Double>.allocate(capacity: 0)
    private let vectorCoefficients = Tensor(shape: [0])
    private var appliesRelu = false

    public init(name: String, momentum: Float = 0.1, epsilon: Float = 1e-5) {
        self.name = name; self.momentum = momentum; self.epsilon = epsilon
    }

    deinit { vectorSums.deallocate() }

    public var parameters: [Parameter] { [weight, bias, runningMean, runningVar] }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try expectInputs(inputShapes, count: 1)
        let s = inputShapes[0]
        let label = "layer '\(name)' (batchnorm)"
        guard s.rank >= 1, s.count > 0 else { throw EngineError("\(label): expects (C, ...) per sample, got shape \(s)") }
        guard momentum >= 0, momentum <= 1 else { throw EngineError("\(label): momentum must be in [0, 1], got \(momentum)") }
        guard epsilon > 0 else { throw EngineError("\(label): epsilon must be positive, got \(epsilon)") }
        channels = s[0]; inner = s.count / s[0]
        weight = Parameter(name: "weight", shape: [channels])
        bias = Parameter(name: "bias", shape: [channels])
        runningMean = Parameter(name: "running_mean", shape: [channels], isTrainable: false)
        runningVar = Parameter(name: "running_var", shape: [channels], isTrainable: false)
        weight.value.fill(1)
        runningVar.value.fill(1)
        savedMean.resize(to: [channels]); savedInvStd.resize(to: [channels])
        vectorSums.deallocate()
        vectorSums = .allocate(capacity: 2 * channels)
        vectorCoefficients.resize(to: [3 * channels])
        return s
    }

    public var flopsPerSample: Int { 4 * channels * inner }

    public var affineChannels: Int { channels }

    public func absorb(_ operation: FusibleOperation) -> Bool {
        guard operation == .relu else { return false }
        appliesRelu = true
        return true
    }

    /// scale = gamma / sqrt(running_var + eps), shift = beta - running_mean · scale, computed as
    /// evaluation-mode forward does.
    public func inferenceAffine(scale: UnsafeMutablePointer<Float>, shift: UnsafeMutablePointer<Float>) {
        let g = weight.value.pointer, b = bias.value.pointer, mu = runningMean.value.pointer, v = runningVar.value.pointer
        for c in 0..<channels {
            scale[c] = g[c] * (1 / (v[c] + epsilon).squareRoot())
            shift[c] = b[c] - mu[c] * scale[c]
        }
    }

    /// Channels per worker: each channel's statistics are summed by one worker in a fixed order,
    /// so the result does not depend on the thread count.
    private func forEachChannelRange(batch n: Int, _ split: ThreadSplit, _ body: (Range<Int>) -> Void) {
        split.parallelRanges(channels, minimumPerSlice: max(1, 8192 / max(n * inner, 1))) { _, range in body(range) }
    }

    public func forward(inputs: [Tensor], output: Tensor, context: LayerContext) {
        let x = inputs[0].pointer, y = output.pointer
        let n = inputs[0].shape[0], c = channels, inner = inner
        let count = n * inner
        let gamma = weight.value.pointer, beta = bias.value.pointer
        let rMean = runningMean.value.pointer, rVar = runningVar.value.pointer
        let mean = savedMean.pointer, invStd = savedInvStd.pointer
        let training = context.training, m = momentum, eps = epsilon, relu = appliesRelu
        forEachChannelRange(batch: n, context.split) { range in
            if training && inner == 1 { vectorStatistics(x, batch: n, range) }
            for ch in range {
                if training {
                    var sum = 0.0, sq = 0.0
                    if inner == 1 {
                        sum = vectorSums[ch]; sq = vectorSums[channels + ch]
                    } else {
                        for s in 0..<n { sum += Double(Lanes.sum(x + (s * c + ch) * inner, count: inner)) }
                    }
                    let mu = sum / Double(max(count, 1))
                    if inner != 1 {
                        for s in 0..<n {
                            sq += Double(Elementwise.sumOfSquaredDeviations(x + (s * c + ch) * inner, from: Float(mu), count: inner))
                        }
                    }
                    let variance = sq / Double(max(count, 1))
                    let unbiased = count > 1 ? sq / Double(count - 1) : variance
                    mean[ch] = Float(mu)
                    invStd[ch] = Float(1 / (variance + Double(eps)).squareRoot())
                    rMean[ch] = (1 - m) * rMean[ch] + m * Float(mu)
                    rVar[ch] = (1 - m) * rVar[ch] + m * Float(unbiased)
                } else {
                    mean[ch] = rMean[ch]
                    invStd[ch] = 1 / (rVar[ch] + eps).squareRoot()
                }
                let scale = gamma[ch] * invStd[ch], shift = beta[ch] - mean[ch] * scale
                if inner == 1 {
                    vectorCoefficients.pointer[ch] = scale; vectorCoefficients.pointer[c + ch] = shift
                    continue
                }
                for s in 0..<n {
                    let offset = (s * c + ch) * inner
                    Lanes.affine(y + offset, x + offset, scale: scale, shift: 0, plus: shift, count: inner, relu: relu)
                }
            }
            if inner == 1 { normalizeVectors(y, x, batch: n, range, relu: relu) }
        }
    }

    /// Vectors: Σ x and then Σ (x − mean)² per channel of `range`, down the batch in order, as
    /// the per-plane sums take them (one value per plane), but row by row: a channel's values
    /// are C floats apart, and one channel at a time read them one by one.
    private func vectorStatistics(_ x: UnsafePointer<Float>, batch n: Int, _ range: Range<Int>) {
        let c = channels, sums = vectorSums.baseAddress!, squares = sums + c
        for ch in range { sums[ch] = 0; squares[ch] = 0 }
        for s in 0..<n { for ch in range { sums[ch] += Double(x[s * c + ch]) } }
        let count = Double(max(n, 1))
        for s in 0..<n {
            for ch in range {
                let d = x[s * c + ch] - Float(sums[ch] / count)
                squares[ch] += Double(d * d)
            }
        }
    }

    /// Vectors: y = scale · x + shift per channel of `range` (then relu), row by row.
    private func normalizeVectors(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, batch n: Int,
                                  _ range: Range<Int>, relu: Bool) {
        let c = channels, scale = vectorCoefficients.pointer, shift = vectorCoefficients.pointer + c
        for s in 0..<n {
            for ch in range {
                let v = scale[ch] * x[s * c + ch] + shift[ch]
                y[s * c + ch] = relu ? max(v, 0) : v
            }
        }
    }

    /// Training: dx = gamma * invstd * (dy - mean(dy) - xhat * mean(dy * xhat)), the batch
    /// statistics depending on x; evaluation: dx = gamma * invstd * dy.
    public func backward(inputs: [Tensor], output: Tensor, outputGradient: Tensor,
                         inputGradients: [Tensor?], context: LayerContext) {
        let x = inputs[0].pointer, gy = outputGradient.pointer
        let dx = inputGradients[0]?.pointer
        let n = inputs[0].shape[0], c = channels, inner = inner
        let count = Double(max(n * inner, 1))
        let gamma = weight.value.pointer
        let dGamma = weight.gradient.pointer, dBeta = bias.gradient.pointer
        let mean = savedMean.pointer, invStd = savedInvStd.pointer
        let training = context.training, relu = appliesRelu, y = output.pointer
        forEachChannelRange(batch: n, context.split) { range in
            if inner == 1 { vectorGradientSums(gy, x, output: y, batch: n, range, relu: relu) }
            let coefficients = vectorCoefficients.pointer
            for ch in range {
                let mu = mean[ch], inv = invStd[ch]
                var sumDy = 0.0, sumDyCentered = 0.0
                if inner == 1 { sumDy = vectorSums[ch]; sumDyCentered = vectorSums[c + ch] }
                for s in 0..<n where inner != 1 {
                    let offset = (s * c + ch) * inner
                    let (g, gc) = Lanes.sumAndCenteredDot(gy + offset, x + offset, mean: mu, count: inner,
                                                          maskedBy: relu ? y + offset : nil)
                    sumDy += Double(g)
                    sumDyCentered += Double(gc)
                }
                let sumDyXhat = sumDyCentered * Double(inv)
                dGamma[ch] += Float(sumDyXhat)
                dBeta[ch] += Float(sumDy)
                guard let dx else { continue }
                // k * (dy - meanDy - (x - mu) * inv * meanDyXhat) as a * dy + b * x + shift.
                let k = gamma[ch] * inv
                let meanDy = training ? Float(sumDy / count) : 0
                let meanDyXhat = training ? Float(sumDyXhat / count) : 0
                let b = -k * inv * meanDyXhat, shift = -k * meanDy - b * mu
                if inner == 1 {
                    coefficients[ch] = k; coefficients[c + ch] = b; coefficients[2 * c + ch] = shift
                    continue
                }
                for s in 0..<n {
                    let offset = (s * c + ch) * inner
                    Lanes.affine(dx + offset, gy + offset, scale: k, shift: b, times: x + offset, plus: shift, count: inner)
                }
            }
            if inner == 1, let dx {
                for s in 0..<n {
                    for ch in range {
                        let i = s * c + ch
                        dx[i] = coefficients[ch] * gy[i] + coefficients[c + ch] * x[i] + coefficients[2 * c + ch]
                    }
                }
            }
        }
    }

    /// Vectors: Σ dy and Σ dy · (x − mean) per channel of `range`, down the batch in order, row
    /// by row (as `vectorStatistics`); with an absorbed relu, dy is first zeroed where y ≤ 0.
    private func vectorGradientSums(_ gy: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>,
                                    output y: UnsafePointer<Float>, batch n: Int, _ range: Range<Int>, relu: Bool) {
        let c = channels, sums = vectorSums.baseAddress!, dots = sums + c, mean = savedMean.pointer
        for ch in range { sums[ch] = 0; dots[ch] = 0 }
        for s in 0..<n {
            for ch in range {
                let i = s * c + ch
                if relu, !(y[i] > 0) { gy[i] = 0 }
                sums[ch] += Double(gy[i])
                dots[ch] += Double(gy[i] * (x[i] - mean[ch]))
            }
        }
    }
}

/// The per-plane loops of batchnorm on 16 lanes with a scalar tail; sums add the lanes in a
/// fixed order, so they do not depend on the thread count.
private enum Lanes {
    typealias V = SIMD16<Float>

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }

    static func sum(_ x: UnsafePointer<Float>, count: Int) -> Float { Elementwise.sum(x, count: count) }

    /// (Σ g, Σ g · (x - mean)); with `mask`, g is first zeroed in place where mask ≤ 0 (an
    /// absorbed ReLU's derivative at its output).
    static func sumAndCenteredDot(_ g: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, mean: Float,
                                  count: Int, maskedBy mask: UnsafePointer<Float>?) -> (Float, Float) {
        var sums = V(), dots = V(), i = 0
        let m = V(repeating: mean), zero = V()
        while i + 16 <= count {
            var v = load(g + i)
            if let mask {
                v = zero.replacing(with: v, where: load(mask + i) .> 0)
                UnsafeMutableRawPointer(g + i).storeBytes(of: v, as: V.self)
            }
            sums += v
            dots.addProduct(v, load(x + i) - m)
            i += 16
        }
        var sum = sums.sum(), dot = dots.sum()
        while i < count {
            if let mask, !(mask[i] > 0) { g[i] = 0 }
            sum += g[i]; dot += g[i] * (x[i] - mean); i += 1
        }
        return (sum, dot)
    }

    /// dst = scale · src + shift · other + plus (`other` nil: no middle term), then max(·, 0)
    /// with `relu` (as `Elementwise.addBias` applies it, so the same bits as a ReLU layer).
    static func affine(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, scale: Float, shift: Float,
                       times other: UnsafePointer<Float>? = nil, plus: Float, count: Int, relu: Bool = false) {
        let a = V(repeating: scale), b = V(repeating: shift), c = V(repeating: plus)
        var i = 0
        if let other {
            while i + 16 <= count {
                var v = c
                v.addProduct(load(src + i), a)
                v.addProduct(load(other + i), b)
                UnsafeMutableRawPointer(dst + i).storeBytes(of: v, as: V.self)
                i += 16
            }
            while i < count { dst[i] = scale * src[i] + shift * other[i] + plus; i += 1 }
        } else {
            while i + 16 <= count {
                var v = c
                v.addProduct(load(src + i), a)
                if relu { v.replace(with: 0, where: v .< 0) }
                UnsafeMutableRawPointer(dst + i).storeBytes(of: v, as: V.self)
                i += 16
            }
            while i < count {
                let v = scale * src[i] + plus
                dst[i] = relu ? max(v, 0) : v
                i += 1
            }
        }
    }
}

private extension SIMD16<Float> {
    @inline(__always) mutating func addProduct(_ a: SIMD16<Float>, _ b: SIMD16<Float>) { self = addingProduct(a, b) }
}
