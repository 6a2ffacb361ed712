import DLTCore

/// Fully connected layer: y = act(x W^T + b), PyTorch's nn.Linear layout (weight [out, in]).
/// x (N, in) -> y (N, out), or on a sequence x (N, L, in) -> y (N, L, out) per position (the
/// N·L positions are the gemm's rows, as nn.Linear on the last axis). Bias and activation are
/// fused into the pass over the gemm output. From `directDepth` input features the forward
/// product is `NarrowProduct`'s dot products instead of sgemm.
///
/// Positions are kept, so a sequence's padding mask passes through (a vector has none).
public final class Dense: InitializableLayer, OutputActivationLayer, SequenceMaskPassing {
    public let name: String
    public var typeName: String { "dense" }
    public let units: Int
    public let useBias: Bool
    /// Settable so the graph can move a final softmax/sigmoid into the fused loss.
    public var activation: Activation
    public let weightInit: Initializer
    public private(set) var inputFeatures = 0
    /// L for a sequence input (L, in); nil for a vector.
    public private(set) var sequenceLength: Int?
    public private(set) var weight: Parameter!
    public private(set) var bias: Parameter?
    /// Pre-activation values, kept only for activations whose derivative needs them (GELU).
    private let preActivation = Tensor(shape: [0])
    /// dL/dz after the activation's derivative: (N, out).
    private let gradZ = Tensor(shape: [0])
    /// Each slice's dW then db when the batch is split over threads.
    private var gradientPartials: [Tensor] = []

    /// From this many input features forward's x · Wᵀ runs as direct dot products of x and W
    /// rows (`NarrowProduct`, read in place): on these deep, narrow shapes (mnist_mlp's 784 → 64
    /// on 32-64 rows a thread) sgemm spends much of its time packing both matrices and ran at
    /// 61-75 % of the peak against 78-83 % direct; below it the rows are too short to pay
    /// (docs/performance.md, 2026-12-03).
    public static let directDepth = 256

    public init(name: String, units: Int, activation: Activation = .identity, useBias: Bool = true,
                weightInit: Initializer = .glorotUniform) {
        self.name = name; self.units = units; self.activation = activation
        self.useBias = useBias; self.weightInit = weightInit
    }

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }
    public var parameterInits: [ParameterInit] {
        [ParameterInit(weight, weightInit, fanIn: inputFeatures, fanOut: units)]
            + (bias.map { [ParameterInit($0, .zeros, fanIn: inputFeatures, fanOut: units)] } ?? [])
    }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try expectInputs(inputShapes, count: 1)
        guard units > 0 else { throw EngineError("layer '\(name)' (dense): units must be positive, got \(units)") }
        let input = inputShapes[0]
        guard input.rank == 1 || input.rank == 2 else {
            throw EngineError("layer '\(name)' (dense) expects a vector (features) or a sequence (length, features) per sample, got shape \(input) (add a flatten layer before it)")
        }
        inputFeatures = input[input.rank - 1]
        sequenceLength = input.rank == 2 ? input[0] : nil
        weight = Parameter(name: "weight", shape: [units, inputFeatures])
        bias = useBias ? Parameter(name: "bias", shape: [units]) : nil
        return sequenceLength.map { [$0, units] } ?? [units]
    }

    public var flopsPerSample: Int { 2 * (sequenceLength ?? 1) * inputFeatures * units }

    public func forward(inputs: [Tensor], output: Tensor, context: LayerContext) {
        let x = inputs[0]
        let n = x.count / inputFeatures, inF = inputFeatures, outF = units   // rows: samples or N·L positions
        let w = weight.value.pointer, b = bias?.value.pointer
        let keepInput = activation.needsInput
        if keepInput { preActivation.resize(to: output.shape) }
        let act = activation
        context.split.forEachSlice(of: n) { _, rows in
            let y = output.pointer + rows.lowerBound * outF, xs = x.pointer + rows.lowerBound * inF
            if inF >= Dense.directDepth {
                for r in 0..<rows.count {
                    if let b { (y + r * outF).update(from: b, count: outF) } else { (y + r * outF).update(repeating: 0, count: outF) }
                }
                NarrowProduct.accumulate(m: rows.count, n: outF, length: inF, a: xs, lda: inF, b: w, ldb: inF, c: y, ldc: outF)
            } else {
                Gemm.multiply(transposeB: true, m: rows.count, n: outF, k: inF, a: xs, lda: inF, b: w, ldb: inF,
                              rowBias: b, c: y, ldc: outF)
            }
            if keepInput { (self.preActivation.pointer + rows.lowerBound * outF).update(from: y, count: rows.count * outF) }
            act.apply(y, count: rows.count * outF, channels: outF, inner: 1)
        }
    }

    public func backward(inputs: [Tensor], output: Tensor, outputGradient: Tensor,
                         inputGradients: [Tensor?], context: LayerContext) {
        let x = inputs[0]
        let n = x.count / inputFeatures, inF = inputFeatures, outF = units   // rows: samples or N·L positions
        gradZ.resize(to: output.shape)
        let gz = gradZ.pointer
        gz.update(from: outputGradient.pointer, count: n * outF)
        let act = activation
        let pre: UnsafePointer<Float>? = act.needsInput ? UnsafePointer(preActivation.pointer) : nil
        context.split.forEachSlice(of: n) { _, rows in
            let offset = rows.lowerBound * outF
            act.backward(output: output.pointer + offset, input: pre.map { $0 + offset },
                         gradient: gz + offset, count: rows.count * outF, channels: outF, inner: 1)
        }
        addParameterGradients(x: x.pointer, gradZ: gz, samples: x.shape[0], context: context)
        if let dx = inputGradients[0] {
            let w = weight.value.pointer
            context.split.forEachSlice(of: n) { _, rows in
                Gemm.multiply(m: rows.count, n: inF, k: outF,
                              a: gz + rows.lowerBound * outF, lda: outF, b: w, ldb: inF,
                              c: dx.pointer + rows.lowerBound * inF, ldc: inF)
            }
        }
    }
}

extension Dense {
    /// dW[out, in] += dZᵀ X and db += dZ's column sums. Each slice of samples sums its own rows;
    /// with several slices into a partial each, added in slice order, which is what data-parallel
    /// ranks holding those slices add up (DataParallel), so N ranks match N threads bit for bit.
    func addParameterGradients(x: UnsafePointer<Float>, gradZ gz: UnsafePointer<Float>, samples: Int, context: LayerContext) {
        let inF = inputFeatures, outF = units, perSample = sequenceLength ?? 1, weightCount = outF * inF
        let slices = context.split.slices(for: samples)
        while slices > 1 && gradientPartials.count < slices { gradientPartials.append(Tensor(shape: [weightCount + outF])) }
        let hasBias = bias != nil
        context.split.forEachSlice(of: samples) { slice, part in
            let first = part.lowerBound * perSample, rows = part.count * perSample
            let own = slices > 1 ? self.gradientPartials[slice].pointer : nil
            let dw = own ?? self.weight.gradient.pointer
            Gemm.multiply(transposeA: true, m: outF, n: inF, k: rows, a: gz + first * outF, lda: outF,
                          b: x + first * inF, ldb: inF, beta: own == nil ? 1 : 0, c: dw, ldc: inF)
            guard hasBias, let db = own.map({ $0 + weightCount }) ?? self.bias?.gradient.pointer else { return }
            if own != nil { db.update(repeating: 0, count: outF) }
            for i in first..<(first + rows) {
                let row = gz + i * outF
                for j in 0..<outF { db[j] += row[j] }
            }
        }
        guard slices > 1 else { return }
        let dw = weight.gradient.pointer, db = bias?.gradient.pointer
        for s in 0..<slices {
            let partial = gradientPartials[s].pointer
            for i in 0..<weightCount { dw[i] += partial[i] }
            if let db { for j in 0..<outF { db[j] += partial[weightCount + j] } }
        }
    }
}

/// Dense → batchnorm (→ activation) on vectors as one dense layer in inference plans
/// (`AffineFoldedCopy`). On a sequence batchnorm's channels are the positions, not the units,
/// so nothing is folded there.
extension Dense: AffineFoldingLayer {
    public var foldingChannels: Int { units }

    public func foldedCopy(activation folded: Activation, addsResidual: Bool) -> AffineFoldedLayer? {
        guard activation == .identity, !addsResidual, sequenceLength == nil, inputFeatures > 0 else { return nil }
        let copy = Dense(name: name, units: units, activation: folded, useBias: true)
        guard (try? copy.build(inputShapes: [[inputFeatures]])) != nil else { return nil }
        return AffineFoldedCopy(copy: copy, sourceWeight: weight, sourceBias: bias, foldedWeight: copy.weight,
                                foldedBias: copy.bias!)
    }
}
