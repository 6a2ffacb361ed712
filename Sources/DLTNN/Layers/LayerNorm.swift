import DLTCore

/// Layer normalisation over the last axis, PyTorch's nn.LayerNorm(features):
/// y = (x − mean) / √(var + ε) · weight + bias, mean and (biased) var over the last axis of
/// each row. x (N, F) -> y (N, F), or x (N, L, F) -> y (N, L, F) per position. `weight` [F]
/// starts at ones, `bias` [F] at zeros.
///
/// Positions are kept, so a sequence's padding mask passes through.
public final class LayerNorm: InitializableLayer, SequenceMaskPassing {
    public let name: String
    public var typeName: String { "layernorm" }
    public let epsilon: Float
    public private(set) var features = 0
    /// Rows per sample: L for a sequence, 1 for a vector.
    public private(set) var rowsPerSample = 0
    public private(set) var weight: Parameter!
    public private(set) var bias: Parameter!
    /// Per row (N·rowsPerSample): the mean and 1/√(var + ε) forward used, for backward.
    private let mean = Tensor(shape: [0])
    private let inverseDeviation = Tensor(shape: [0])

    public init(name: String, epsilon: Float = 1e-5) {
        self.name = name; self.epsilon = epsilon
    }

    public var parameters: [Parameter] { [weight, bias] }
    public var parameterInits: [ParameterInit] {
        [ParameterInit(weight, .ones, fanIn: features, fanOut: features),
         ParameterInit(bias, .zeros, fanIn: features, fanOut: features)]
    }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try expectInputs(inputShapes, count: 1)
        let input = inputShapes[0]
        guard input.rank == 1 || input.rank == 2 else {
            throw EngineError("layer '\(name)' (layernorm) expects a vector (features) or a sequence (length, features) per sample, got shape \(input)")
        }
        guard epsilon > 0 else { throw EngineError("layer '\(name)' (layernorm): epsilon must be > 0, got \(epsilon)") }
        features = input[input.rank - 1]
        rowsPerSample = input.rank == 2 ? input[0] : 1
        weight = Parameter(name: "weight", shape: [features])
        bias = Parameter(name: "bias", shape: [features])
        return input
    }

    /// Mean, variance, normalise and scale: about 8 operations per element.
    public var flopsPerSample: Int { 8 * rowsPerSample * features }

    public func forward(inputs: [Tensor], output: Tensor, context: LayerContext) {
        let x = inputs[0].pointer, y = output.pointer
        let f = features, rows = inputs[0].count / features
        mean.resize(to: [rows])
        inverseDeviation.resize(to: [rows])
        let means = mean.pointer, inverses = inverseDeviation.pointer
        let w = weight.value.pointer, b = bias.value.pointer, epsilon = epsilon
        context.split.forEachSlice(of: rows) { _, range in
            // Eight rows per pass, each statistic for all eight before the next: one row's chain
            // of sums, square root and division is a hundred cycles of latency, and rows
            // taken one at a time left the core waiting on it.
            for first in Swift.stride(from: range.lowerBound, to: range.upperBound, by: 8) {
                let group = first..<min(first + 8, range.upperBound)
                // Two passes (mean, then squared deviations): no cancellation for large means.
                for r in group { means[r] = Elementwise.sum(x + r * f, count: f) / Float(f) }
                for r in group {
                    let squares = Elementwise.sumOfSquaredDeviations(x + r * f, from: means[r], count: f)
                    inverses[r] = 1 / (squares / Float(f) + epsilon).squareRoot()
                }
                for r in group {
                    Self.normalize(x + r * f, into: y + r * f, mean: means[r], inverse: inverses[r], weight: w, bias: b, count: f)
                }
            }
        }
    }

    /// y = (x − mean) · inverse · weight + bias over one row, 8 lanes at a time.
    @inline(__always)
    private static func normalize(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, mean: Float,
                                  inverse: Float, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, count: Int) {
        typealias V = SIMD8<Float>
        func load(_ p: UnsafePointer<Float>, _ i: Int) -> V { UnsafeRawPointer(p + i).loadUnaligned(as: V.self) }
        let m = V(repeating: mean), s = V(repeating: inverse)
        var j = 0
        while j + 8 <= count {
            let v = (load(x, j) - m) * s * load(weight, j) + load(bias, j)
            UnsafeMutableRawPointer(y + j).storeBytes(of: v, as: V.self)
            j += 8
        }
        while j < count { y[j] = (x[j] - mean) * inverse * weight[j] + bias[j]; j += 1 }
    }

    /// With x̂ = (x − mean)·s and g = dy ⊙ weight: dx = s · (g − mean(g) − x̂ · mean(g ⊙ x̂));
    /// dweight += Σ_rows dy ⊙ x̂, dbias += Σ_rows dy.
    public func backward(inputs: [Tensor], output: Tensor, outputGradient: Tensor,
                         inputGradients: [Tensor?], context: LayerContext) {
        let x = inputs[0].pointer, gy = outputGradient.pointer
        let f = features, rows = inputs[0].count / features
        let means = mean.pointer, inverses = inverseDeviation.pointer
        let dw = weight.gradient.pointer, db = bias.gradient.pointer
        // Parameter gradients split over features, each summed over rows in order: no reduction
        // across threads, and the same bits for any thread count.
        context.split.parallelRanges(f, minimumPerSlice: 16) { _, columns in
            for r in 0..<rows {
                let xr = x + r * f, gr = gy + r * f, mu = means[r], s = inverses[r]
                for j in columns {
                    dw[j] += gr[j] * (xr[j] - mu) * s
                    db[j] += gr[j]
                }
            }
        }
        guard let dxTensor = inputGradients[0] else { return }
        let dx = dxTensor.pointer, w = weight.value.pointer
        context.split.forEachSlice(of: rows) { _, range in
            for r in range {
                let xr = x + r * f, gr = gy + r * f, dxr = dx + r * f, mu = means[r], s = inverses[r]
                var (meanG, meanGX) = Self.weightedSums(gr, w, xr, mean: mu, count: f)
                meanG /= Float(f)
                meanGX = meanGX * s / Float(f)
                for j in 0..<f {
                    let xhat = (xr[j] - mu) * s
                    dxr[j] = s * (gr[j] * w[j] - meanG - xhat * meanGX)
                }
            }
        }
    }

    /// (Σ g ⊙ w, Σ g ⊙ w ⊙ (x − mean)) of one row, in 8 lanes added in a fixed order.
    private static func weightedSums(_ g: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ x: UnsafePointer<Float>,
                                     mean: Float, count: Int) -> (Float, Float) {
        typealias V = SIMD8<Float>
        func load(_ p: UnsafePointer<Float>, _ i: Int) -> V { UnsafeRawPointer(p + i).loadUnaligned(as: V.self) }
        var sums = V(), dots = V(), i = 0
        let m = V(repeating: mean)
        while i + 8 <= count {
            let gw = load(g, i) * load(w, i)
            sums += gw
            dots = dots.addingProduct(gw, load(x, i) - m)
            i += 8
        }
        var sum = sums.sum(), dot = dots.sum()
        while i < count { let gw = g[i] * w[i]; sum += gw; dot += gw * (x[i] - mean); i += 1 }
        return (sum, dot)
    }
}
