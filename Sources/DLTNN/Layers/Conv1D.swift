import DLTCore

/// 1-D convolution over a sequence with PyTorch's nn.Conv1d parameters (weight [F, C, k],
/// bias [F]) on channels-last data: x (N, L, C) -> y (N, L', F), which is PyTorch's (N, F, L')
/// output transposed, so an nn.Conv1d state dict loads unchanged.
///
/// With channels last, the window of output position p is k runs of C floats, one run of k * C
/// at dilation 1, so the window matrix (count * L', k * C) of a chunk of samples is a copy of
/// one short run per window (or the input itself when windows do not overlap; `Conv1DLayout`).
/// Forward is one sgemm Columns (count * L', kC) x Wp^T (kC, F) per chunk, written straight
/// into y (N, L', F), whose rows are positions; bias and activation follow in one pass. Wp is
/// the weight reordered to (F, k, C) to match a window row. Backward: dWp += dZ^T Columns,
/// db += column sums of dZ, dColumns = dZ Wp (over the columns), added back into dX (col2im).
///
/// Each thread takes a contiguous slice of the batch in chunks of a few samples whose buffers
/// (`Conv1DWorkspace`) stay in its core's L2 cache; its dW and db go to its own partial,
/// added into the parameters' gradients in slice order (bit-identical for a thread count).
public final class Conv1D: InitializableLayer, OutputActivationLayer {
    public let name: String
    public var typeName: String { "conv1d" }
    public let filters: Int
    public let kernel: Int
    public let stride: Int
    public let padding: SequencePadding
    public let dilation: Int
    public var activation: Activation
    public let useBias: Bool
    public let weightInit: Initializer
    public private(set) var window: SequenceWindow!
    public private(set) var weight: Parameter!
    public private(set) var bias: Parameter?

    private var layout: Conv1DLayout!
    /// The weight reordered as (F, k, C), refreshed from `weight` at every forward and backward.
    private let packedWeight = Tensor(shape: [0])
    private var workspaces: [Conv1DWorkspace] = []
    /// Per slice: dWp (F, k * C) then db (F), summed in slice order into the gradients.
    private var gradientPartials: [Tensor] = []
    /// Pre-activation output (N, L', F), kept only for GELU.
    private let preActivation = Tensor(shape: [0])
    /// Ones for db's column sums, one per gemm row of a chunk.
    private let ones = Tensor(shape: [0])

    public init(name: String, filters: Int, kernel: Int, stride: Int = 1, padding: SequencePadding = .valid,
                dilation: Int = 1, activation: Activation = .identity, useBias: Bool = true,
                weightInit: Initializer = .glorotUniform) {
        self.name = name; self.filters = filters; self.kernel = kernel; self.stride = stride
        self.padding = padding; self.dilation = dilation; self.activation = activation
        self.useBias = useBias; self.weightInit = weightInit
    }

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }
    /// Fans as PyTorch and Keras count them: C * k in, F * k out.
    public var parameterInits: [ParameterInit] {
        let fanIn = window.channels * kernel, fanOut = filters * kernel
        return [ParameterInit(weight, weightInit, fanIn: fanIn, fanOut: fanOut)]
            + (bias.map { [ParameterInit($0, .zeros, fanIn: fanIn, fanOut: fanOut)] } ?? [])
    }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try expectInputs(inputShapes, count: 1)
        let label = "layer '\(name)' (conv1d)"
        guard filters > 0 else { throw EngineError("\(label): filters must be positive, got \(filters)") }
        try expectSequence(inputShapes[0], imageLayer: "conv2d")
        let s = inputShapes[0]
        window = try SequenceWindow(layer: label, length: s[0], channels: s[1], kernel: kernel, stride: stride,
                                    dilation: dilation, padding: padding)
        layout = Conv1DLayout(window)
        weight = Parameter(name: "weight", shape: [filters, s[1], kernel])
        bias = useBias ? Parameter(name: "bias", shape: [filters]) : nil
        packedWeight.resize(to: [filters, window.windowFloats])
        return [window.outLength, filters]
    }

    public var flopsPerSample: Int { 2 * filters * window.windowFloats * window.outLength }

    /// Samples per chunk: about 512 KB for the larger of a chunk's columns and dZ, so that
    /// both stay in L2 between the copy and the gemms.
    private var samplesPerChunk: Int {
        max(1, Conv1D.chunkFloats / max(window.outLength * max(window.windowFloats, filters), 1))
    }
    static let chunkFloats = 131_072

    private func prepareWorkspaces(slices: Int) {
        while workspaces.count < slices { workspaces.append(Conv1DWorkspace()) }
        let rows = layout.rows(samplesPerChunk)
        for w in workspaces {
            // Direct layers need the columns too, for dColumns in backward.
            w.prepare(columns: rows * window.windowFloats, product: activation == .identity ? 0 : rows * filters)
        }
    }

    /// Wp[f, j, c] = W[f, c, j], written in order (each forward and backward: the weights change
    /// between steps).
    private func packWeight() {
        let c = window.channels, k = kernel, w = weight.value.pointer, packed = packedWeight.pointer
        for f in 0..<filters {
            for j in 0..<k {
                let row = packed + (f * k + j) * c, source = w + f * c * k + j
                for ch in 0..<c { row[ch] = source[ch * k] }
            }
        }
    }

    /// Calls `body(start, count)` for each chunk of `samples`, in order.
    private func forEachChunk(of samples: Range<Int>, _ body: (Int, Int) -> Void) {
        let chunk = samplesPerChunk
        for start in Swift.stride(from: samples.lowerBound, to: samples.upperBound, by: chunk) {
            body(start, min(chunk, samples.upperBound - start))
        }
    }

    public func forward(inputs: [Tensor], output: Tensor, context: LayerContext) {
        let x = inputs[0], n = x.shape[0], w = window!, kc = w.windowFloats
        let inSize = w.length * w.channels, outSize = w.outLength * filters
        packWeight()
        prepareWorkspaces(slices: context.split.slices(for: n))
        if activation.needsInput { preActivation.resize(to: output.shape) }
        context.split.forEachSlice(of: n) { slice, samples in
            let columns = workspaces[slice].columns.pointer
            forEachChunk(of: samples) { start, count in
                let y = output.pointer + start * outSize
                let rows = layout.rows(of: x.pointer + start * inSize, count: count, buffer: columns)
                Gemm.multiply(transposeB: true, m: layout.rows(count), n: filters, k: kc, a: rows, lda: layout.rowStride,
                              b: packedWeight.pointer, ldb: kc, c: y, ldc: filters)
                finishOutput(y, start: start, count: count)
            }
        }
    }

    /// The chunk's gemm result y (count * L', F) in place: bias (with ReLU fused), then the activation.
    private func finishOutput(_ y: UnsafeMutablePointer<Float>, start: Int, count: Int) {
        let f = filters, size = count * window.outLength * f, relu = activation == .relu
        if bias != nil || relu {
            Conv1D.addRowBias(y, y, bias: bias?.value.pointer, rows: count * window.outLength, width: f, relu: relu)
        }
        guard !relu, activation != .identity else { return }
        if activation.needsInput { (preActivation.pointer + start * window.outLength * f).update(from: y, count: size) }
        activation.apply(y, count: size, channels: f, inner: 1)
    }

    public func backward(inputs: [Tensor], output: Tensor, outputGradient: Tensor,
                         inputGradients: [Tensor?], context: LayerContext) {
        let x = inputs[0], n = x.shape[0], w = window!, kc = w.windowFloats, inSize = w.length * w.channels
        let slices = context.split.slices(for: n), weightCount = filters * kc
        while gradientPartials.count < slices { gradientPartials.append(Tensor(shape: [weightCount + filters])) }
        let maxRows = layout.rows(samplesPerChunk)
        if useBias && ones.count < maxRows { ones.resize(to: [maxRows]); ones.fill(1) }
        packWeight()
        prepareWorkspaces(slices: slices)
        context.split.forEachSlice(of: n) { slice, samples in
            let work = workspaces[slice], partial = gradientPartials[slice].pointer
            partial.update(repeating: 0, count: weightCount + filters)
            forEachChunk(of: samples) { start, count in
                let m = layout.rows(count)
                let dz = activationGradient(start: start, count: count, output: output, outputGradient: outputGradient,
                                            scratch: work.product.pointer)
                let rows = layout.rows(of: x.pointer + start * inSize, count: count, buffer: work.columns.pointer)
                Gemm.multiply(transposeA: true, m: filters, n: kc, k: m, a: dz, lda: filters, b: rows, ldb: layout.rowStride,
                              beta: 1, c: partial, ldc: kc)
                if useBias {
                    // Column sums of dZ as a gemm against ones: vectorised, unlike a serial float sum.
                    Gemm.multiply(m: 1, n: filters, k: m, a: ones.pointer, lda: m, b: dz, ldb: filters,
                                  beta: 1, c: partial + weightCount, ldc: filters)
                }
                guard let dx = inputGradients[0] else { return }
                inputGradient(dz: dz, start: start, count: count, columns: work.columns.pointer, dx: dx)
            }
        }
        addSlicePartials(slices: slices)
    }

    /// dColumns = dZ (rows, F) . Wp (F, kC), over the columns (already used for dW), then added
    /// into the chunk's samples of dX.
    private func inputGradient(dz: UnsafePointer<Float>, start: Int, count: Int, columns: UnsafeMutablePointer<Float>,
                               dx: Tensor) {
        let w = window!, kc = w.windowFloats, inSize = w.length * w.channels
        Gemm.multiply(m: layout.rows(count), n: kc, k: filters, a: dz, lda: filters, b: packedWeight.pointer, ldb: kc,
                      c: columns, ldc: kc)
        let dxs = dx.pointer + start * inSize
        dxs.update(repeating: 0, count: count * inSize)
        layout.fold(columns, count: count, into: dxs)
    }

    /// dZ = dY * act'(.) for the chunk (rows, F): dY itself for a linear layer, else written to `scratch`.
    private func activationGradient(start: Int, count: Int, output: Tensor, outputGradient: Tensor,
                                    scratch: UnsafeMutablePointer<Float>) -> UnsafePointer<Float> {
        let f = filters, offset = start * window.outLength * f, size = count * window.outLength * f, act = activation
        let gy = outputGradient.pointer + offset, y = output.pointer + offset
        switch act {
        case .identity:
            return UnsafePointer(gy)
        case .relu:
            Elementwise.copyWherePositive(scratch, gy, mask: y, count: size)
        default:
            scratch.update(from: gy, count: size)
            let pre: UnsafePointer<Float>? = act.needsInput ? UnsafePointer(preActivation.pointer + offset) : nil
            act.backward(output: y, input: pre, gradient: scratch, count: size, channels: f, inner: 1)
        }
        return UnsafePointer(scratch)
    }

    /// The slices' dWp (reordered to [F, C, k]) and db added into the gradients, in slice order.
    private func addSlicePartials(slices: Int) {
        let c = window.channels, k = kernel, weightCount = filters * c * k
        let dw = weight.gradient.pointer, db = bias?.gradient.pointer
        for s in 0..<slices {
            let partial = gradientPartials[s].pointer
            for f in 0..<filters {
                for j in 0..<k {
                    let packedRow = partial + (f * k + j) * c
                    for ch in 0..<c { dw[(f * c + ch) * k + j] += packedRow[ch] }
                }
            }
            if let db { for f in 0..<filters { db[f] += partial[weightCount + f] } }
        }
    }

    /// dst row r = src row r + bias (max(., 0) with `relu`), for `rows` rows of `width` floats.
    static func addRowBias(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                           rows: Int, width: Int, relu: Bool) {
        for r in 0..<rows {
            let d = dst + r * width, s = src + r * width
            var i = 0
            while i + 8 <= width {
                var v = UnsafeRawPointer(s + i).loadUnaligned(as: SIMD8<Float>.self)
                if let bias { v += UnsafeRawPointer(bias + i).loadUnaligned(as: SIMD8<Float>.self) }
                if relu { v.replace(with: 0, where: v .< 0) }
                UnsafeMutableRawPointer(d + i).storeBytes(of: v, as: SIMD8<Float>.self)
                i += 8
            }
            while i < width {
                let v = s[i] + (bias?[i] ?? 0)
                d[i] = relu ? max(v, 0) : v
                i += 1
            }
        }
    }
}
