import DLTCore

/// Transposed 2-D convolution (PyTorch's nn.ConvTranspose2d, no dilation, groups = 1).
/// x (N, Cin, H, W) -> y (N, Cout, OH, OW), OH = (H-1)*sh - 2*ph + kh + oph (likewise OW).
/// Weight [Cin, Cout, kh, kw] (PyTorch's layout), bias [Cout].
///
/// It is the adjoint of a convolution from (Cout, OH, OW) to (Cin, H, W) with the same kernel,
/// stride and padding, so forward is that convolution's backward-data pass:
/// columns (Cout*kh*kw, H*W) = W^T · x, then col2im into y. Backward uses im2col on dL/dy.
/// `outputPadding` only adds rows/columns at the bottom/right (PyTorch requires it < stride).
public final class ConvTranspose2D: InitializableLayer, OutputActivationLayer {
    public let name: String
    public var typeName: String { "conv_transpose2d" }
    public let filters: Int
    public let kernel: (Int, Int)
    public let stride: (Int, Int)
    public let padding: (Int, Int)
    public let outputPadding: (Int, Int)
    public let useBias: Bool
    /// Settable so the graph can move a final activation into a fused loss.
    public var activation: Activation
    public let weightInit: Initializer
    public private(set) var inputChannels = 0
    public private(set) var weight: Parameter!
    public private(set) var bias: Parameter?
    /// The adjoint convolution's geometry: an image of (Cout, OH, OW) whose windows give H x W.
    public private(set) var geometry: WindowGeometry!
    /// Per-slice column matrices (Cout*kh*kw, H*W), one per worker.
    private var columnScratch: [Tensor] = []
    /// Per-slice dW and db partials when more than one slice runs, summed in slice order.
    private var gradientPartials: [Tensor] = []
    private let preActivation = Tensor(shape: [0])
    private let gradZ = Tensor(shape: [0])

    public init(name: String, filters: Int, kernel: (Int, Int), stride: (Int, Int) = (1, 1),
                padding: (Int, Int) = (0, 0), outputPadding: (Int, Int) = (0, 0),
                activation: Activation = .identity, useBias: Bool = true,
                weightInit: Initializer = .glorotUniform) {
        self.name = name; self.filters = filters; self.kernel = kernel; self.stride = stride
        self.padding = padding; self.outputPadding = outputPadding; self.activation = activation
        self.useBias = useBias; self.weightInit = weightInit
    }

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }
    /// PyTorch's fans for a [Cin, Cout, kh, kw] tensor: fan_in = Cout*kh*kw, fan_out = Cin*kh*kw.
    public var parameterInits: [ParameterInit] {
        let area = kernel.0 * kernel.1
        let fanIn = filters * area, fanOut = inputChannels * area
        return [ParameterInit(weight, weightInit, fanIn: fanIn, fanOut: fanOut)]
            + (bias.map { [ParameterInit($0, .zeros, fanIn: fanIn, fanOut: fanOut)] } ?? [])
    }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try expectInputs(inputShapes, count: 1)
        let s = inputShapes[0]
        try expectRank(s, 3, what: "an image (C, H, W)")
        let label = "layer '\(name)' (conv_transpose2d)"
        guard filters > 0 else { throw EngineError("\(label): filters must be positive, got \(filters)") }
        guard kernel.0 > 0, kernel.1 > 0, stride.0 > 0, stride.1 > 0 else {
            throw EngineError("\(label): kernel \(kernel.0)x\(kernel.1) and stride \(stride.0)x\(stride.1) must be positive")
        }
        guard padding.0 >= 0, padding.1 >= 0 else { throw EngineError("\(label): padding must not be negative") }
        guard outputPadding.0 >= 0, outputPadding.1 >= 0,
              outputPadding.0 < stride.0, outputPadding.1 < stride.1 else {
            throw EngineError("\(label): output_padding \(outputPadding.0)x\(outputPadding.1) must be >= 0 and smaller than stride \(stride.0)x\(stride.1)")
        }
        let outH = (s[1] - 1) * stride.0 - 2 * padding.0 + kernel.0 + outputPadding.0
        let outW = (s[2] - 1) * stride.1 - 2 * padding.1 + kernel.1 + outputPadding.1
        guard s[0] > 0, s[1] > 0, s[2] > 0, outH > 0, outW > 0 else {
            throw EngineError("\(label): input \(s) gives an empty output \(outH)x\(outW) (padding too large)")
        }
        let g = try WindowGeometry(channels: filters, height: outH, width: outW,
                                   kernelH: kernel.0, kernelW: kernel.1, strideH: stride.0, strideW: stride.1,
                                   padTop: padding.0, padLeft: padding.1, padBottom: padding.0, padRight: padding.1)
        // With output_padding < stride the adjoint convolution maps OH x OW back onto exactly H x W.
        guard g.outH == s[1], g.outW == s[2] else {
            throw EngineError("\(label): input \(s) does not invert to \(outH)x\(outW)")
        }
        geometry = g
        inputChannels = s[0]
        weight = Parameter(name: "weight", shape: [inputChannels, filters, kernel.0, kernel.1])
        bias = useBias ? Parameter(name: "bias", shape: [filters]) : nil
        return [filters, outH, outW]
    }

    public var flopsPerSample: Int { 2 * inputChannels * geometry.columnRows * geometry.outArea }

    private func prepareScratch(slices: Int) {
        while columnScratch.count < slices { columnScratch.append(Tensor(shape: [0])) }
        for t in columnScratch.prefix(slices) { t.resize(to: [geometry.columnRows, geometry.outArea]) }
    }

    public func forward(inputs: [Tensor], output: Tensor, context: LayerContext) {
        let x = inputs[0], g = geometry!
        let n = x.shape[0], cin = inputChannels, rows = g.columnRows, inArea = g.outArea
        let outArea = g.inArea, outPerSample = filters * outArea
        prepareScratch(slices: context.split.slices(for: n))
        let keepInput = activation.needsInput
        if keepInput { preActivation.resize(to: output.shape) }
        let w = weight.value.pointer, b = bias?.value.pointer, act = activation
        context.split.forEachSlice(of: n) { slice, range in
            let columns = self.columnScratch[slice].pointer
            for i in range {
                let y = output.pointer + i * outPerSample
                // columns (Cout*kh*kw, H*W) = W^T (Cout*kh*kw x Cin) · x_i (Cin x H*W)
                Gemm.multiply(transposeA: true, m: rows, n: inArea, k: cin,
                              a: w, lda: rows, b: x.pointer + i * cin * inArea, ldb: inArea,
                              c: columns, ldc: inArea)
                y.update(repeating: 0, count: outPerSample)
                Im2Col.columnsToImage(columns, ldc: inArea, g, image: y)
                if let b {
                    for c in 0..<self.filters {
                        let plane = y + c * outArea, bc = b[c]
                        for p in 0..<outArea { plane[p] += bc }
                    }
                }
            }
            let offset = range.lowerBound * outPerSample, count = range.count * outPerSample
            if keepInput { (self.preActivation.pointer + offset).update(from: output.pointer + offset, count: count) }
            act.apply(output.pointer + offset, count: count, channels: self.filters, inner: outArea)
        }
    }

    public func backward(inputs: [Tensor], output: Tensor, outputGradient: Tensor,
                         inputGradients: [Tensor?], context: LayerContext) {
        let x = inputs[0], g = geometry!
        let n = x.shape[0], cin = inputChannels, rows = g.columnRows, inArea = g.outArea
        let outArea = g.inArea, outPerSample = filters * outArea
        let slices = context.split.slices(for: n)
        prepareScratch(slices: slices)
        gradZ.resize(to: output.shape)
        let gz = gradZ.pointer
        let weightCount = weight.value.count, biasCount = useBias ? filters : 0
        let partialSize = weightCount + biasCount
        while gradientPartials.count < slices { gradientPartials.append(Tensor(shape: [0])) }
        for t in gradientPartials.prefix(slices) { t.resize(to: [partialSize]) }
        let act = activation
        let pre: UnsafePointer<Float>? = act.needsInput ? UnsafePointer(preActivation.pointer) : nil
        let w = weight.value.pointer
        let dx = inputGradients[0]
        context.split.forEachSlice(of: n) { slice, range in
            let offset = range.lowerBound * outPerSample, count = range.count * outPerSample
            (gz + offset).update(from: outputGradient.pointer + offset, count: count)
            act.backward(output: output.pointer + offset, input: pre.map { $0 + offset },
                         gradient: gz + offset, count: count, channels: self.filters, inner: outArea)
            let columns = self.columnScratch[slice].pointer
            // With one slice, accumulate straight into the parameter gradients.
            let single = slices == 1
            let dw = single ? self.weight.gradient.pointer : self.gradientPartials[slice].pointer
            let db: UnsafeMutablePointer<Float>? = biasCount == 0 ? nil
                : (single ? self.bias!.gradient.pointer : dw + weightCount)
            if !single { dw.update(repeating: 0, count: partialSize) }
            for i in range {
                let gy = gz + i * outPerSample
                Im2Col.imageToColumns(gy, g, columns: columns, ldc: inArea)
                // dW (Cin x Cout*kh*kw) += x_i (Cin x H*W) · columns^T
                Gemm.multiply(transposeB: true, m: cin, n: rows, k: inArea,
                              a: x.pointer + i * cin * inArea, lda: inArea, b: columns, ldb: inArea,
                              beta: 1, c: dw, ldc: rows)
                if let dx {
                    // dx_i (Cin x H*W) = W (Cin x Cout*kh*kw) · columns
                    Gemm.multiply(m: cin, n: inArea, k: rows, a: w, lda: rows, b: columns, ldb: inArea,
                                  c: dx.pointer + i * cin * inArea, ldc: inArea)
                }
                if let db {
                    for c in 0..<self.filters {
                        let plane = gy + c * outArea
                        var s: Float = 0
                        for p in 0..<outArea { s += plane[p] }
                        db[c] += s
                    }
                }
            }
        }
        if slices > 1 {
            let dw = weight.gradient.pointer
            for slice in 0..<slices {
                let partial = gradientPartials[slice].pointer
                for j in 0..<weightCount { dw[j] += partial[j] }
                if let db = bias?.gradient.pointer {
                    for c in 0..<biasCount { db[c] += partial[weightCount + c] }
                }
            }
        }
    }
}
