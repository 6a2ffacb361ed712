import DLTCore

/// 2-D convolution, PyTorch's nn.Conv2d layout (weight [F, C, kh, kw], bias [F]).
/// x (N, C, H, W) -> y (N, F, OH, OW).
///
/// Each thread takes a contiguous slice of the batch and walks it in chunks of a few images: it
/// unfolds a chunk side by side into one column matrix (C*kh*kw, count*OH*OW), runs one sgemm
/// W (F, CKK) x columns -> (F, count*P), and scatters that into NCHW with the bias and activation
/// fused. The column matrix and the gemm result live in a per-thread workspace sized to stay in
/// the core's L2 cache; backward unfolds each chunk again instead of keeping every image's
/// columns, because writing them to fresh memory (the whole batch's columns) cost more than
/// unfolding twice into cache-resident memory.
///
/// Stride-1 layers with few filters and channels run forward (and mostly backward) without
/// columns instead (Conv2DShiftedPlanes.swift); the rest of this file is the im2col + sgemm path.
///
/// A graph may run the plain 2x2 max pool that follows a ReLU (or linear) conv inside it
/// (`absorb(.maxPool2x2)`): forward then pools each chunk's gemm result while it is in cache and writes
/// only the pooled output, and backward builds dZ from the pooled gradient, so the conv's own
/// output and its gradient are never stored. The numbers are the same as running the two layers.
public final class Conv2D: InitializableLayer, OutputActivationLayer, AbsorbingLayer {
    public let name: String
    public var typeName: String { "conv2d" }
    public let filters: Int
    public let kernel: (Int, Int)
    public let stride: (Int, Int)
    public let padding: Padding
    public let dilation: (Int, Int)
    public var activation: Activation
    public let useBias: Bool
    public let weightInit: Initializer
    public private(set) var geometry: WindowGeometry!
    public private(set) var weight: Parameter!
    public private(set) var bias: Parameter?

    /// With an absorbed 2x2 max pool: where each window's maximum was (0...3), (N, F, OH/2, OW/2).
    /// `output` and `outputGradient` are then the pool's.
    private(set) var poolWinners: Tensor?
    /// Inference copies that fold a residual add: forward's inputs[1] (N, F, OH, OW) is added
    /// before the activation.
    var addsResidual = false
    private var workspaces: [Conv2DWorkspace] = []
    /// Pre-activation output, kept only for GELU.
    let preActivation = Tensor(shape: [0])
    /// A vector of ones, at least count*P long, for the bias gradient's row sums.
    private let ones = Tensor(shape: [0])
    /// Per-thread dW and db when more than one slice runs, summed in slice order (deterministic).
    private var gradientPartials: [Tensor] = []
    /// The shifted-plane path's state (Conv2DShiftedPlanes.swift): its offset tables, one
    /// workspace per slice, and the re-laid weights.
    var planeTables: ShiftedPlaneTables?
    var shiftedWorkspaces: [ShiftedPlaneWorkspace] = []
    let packedWeights = Tensor(shape: [0])

    public init(name: String, filters: Int, kernel: (Int, Int), stride: (Int, Int) = (1, 1),
                padding: Padding = .valid, dilation: (Int, Int) = (1, 1), activation: Activation = .identity,
                useBias: Bool = true, weightInit: Initializer = .glorotUniform) {
        self.name = name; self.filters = filters; self.kernel = kernel; self.stride = stride
        self.padding = padding; self.dilation = dilation; self.activation = activation
        self.useBias = useBias; self.weightInit = weightInit
    }

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }
    public var parameterInits: [ParameterInit] {
        let area = kernel.0 * kernel.1
        let fanIn = geometry.channels * area, fanOut = filters * area
        return [ParameterInit(weight, weightInit, fanIn: fanIn, fanOut: fanOut)]
            + (bias.map { [ParameterInit($0, .zeros, fanIn: fanIn, fanOut: fanOut)] } ?? [])
    }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try expectInputs(inputShapes, count: 1)
        guard filters > 0 else { throw EngineError("layer '\(name)' (conv2d): filters must be positive, got \(filters)") }
        try expectRank(inputShapes[0], 3, what: "an image (C, H, W)")
        let s = inputShapes[0]
        geometry = try padding.geometry(layer: name, channels: s[0], height: s[1], width: s[2],
                                        kernel: kernel, stride: stride, dilation: dilation)
        weight = Parameter(name: "weight", shape: [filters, s[0], kernel.0, kernel.1])
        bias = useBias ? Parameter(name: "bias", shape: [filters]) : nil
        return [filters, geometry.outH, geometry.outW]
    }

    public var flopsPerSample: Int { 2 * filters * geometry.columnRows * geometry.outArea }

    /// Images unfolded and multiplied at a time within a thread's slice: about 512 KB for the
    /// larger of the column block (CKK rows) and the gemm output (F rows), so both stay in L2
    /// between im2col, sgemm and the scatter.
    private var imagesPerChunk: Int {
        max(1, Conv2D.chunkFloats / max(max(geometry.columnRows, filters) * geometry.outArea, 1))
    }
    static let chunkFloats = 131_072
    /// Up to this many taps (C*kh*kw), dW = dZ * columns^T is computed by `NarrowProduct`, where
    /// sgemm with so narrow an output is slow (the direct path for small-K convolutions).
    static let narrowTaps = 16

    /// One pooled (H/2, W/2) plane, when a pool is absorbed.
    private var pooledArea: Int { (geometry.outH / 2) * (geometry.outW / 2) }

    private func prepareWorkspaces(slices: Int, chunk: Int) {
        while workspaces.count < slices { workspaces.append(Conv2DWorkspace()) }
        let area = chunk * geometry.outArea
        for w in workspaces {
            w.prepare(columns: geometry.columnRows * area, product: filters * area,
                      pooledPlane: poolWinners == nil ? 0 : pooledArea)
        }
    }

    /// Takes in the plain 2x2 max pool after a ReLU or linear conv.
    public func absorb(_ operation: FusibleOperation) -> Bool {
        guard operation == .maxPool2x2, activation == .relu || activation == .identity else { return false }
        if poolWinners == nil { poolWinners = Tensor(shape: [0]) }
        planeTables = nil   // forward's positions now cover only the pool's windows
        return true
    }

    /// Images [start, start + count) of the batch, multiplied together: columns and gemm output
    /// are (rows, ldc) with ldc = count * P.
    struct Chunk {
        let start: Int, count: Int, ldc: Int
    }

    /// Calls `body` for each chunk of `images`, in order.
    private func forEachChunk(of images: Range<Int>, _ body: (Chunk) -> Void) {
        let chunk = imagesPerChunk, p = geometry.outArea
        for start in Swift.stride(from: images.lowerBound, to: images.upperBound, by: chunk) {
            let count = min(chunk, images.upperBound - start)
            body(Chunk(start: start, count: count, ldc: count * p))
        }
    }

    /// The chunk's images unfolded side by side into `columns` (CKK, ldc).
    private func unfold(_ x: Tensor, _ c: Chunk, into columns: UnsafeMutablePointer<Float>) {
        let g = geometry!, inSize = g.channels * g.inArea
        for i in 0..<c.count {
            Im2Col.imageToColumns(x.pointer + (c.start + i) * inSize, g, columns: columns + i * g.outArea, ldc: c.ldc)
        }
    }

    public func forward(inputs: [Tensor], output: Tensor, context: LayerContext) {
        let x = inputs[0], n = x.shape[0]
        if !context.inferenceOnly { poolWinners?.resize(to: output.shape) }
        if activation.needsInput { preActivation.resize(to: output.shape) }
        if forwardUsesPlanes {
            forwardShifted(x, residual: addsResidual ? inputs[1] : nil, output: output, context: context)
            return
        }
        prepareWorkspaces(slices: context.split.slices(for: n), chunk: imagesPerChunk)
        context.split.forEachSlice(of: n) { slice, images in
            let work = workspaces[slice]
            forEachChunk(of: images) { c in
                unfold(x, c, into: work.columns.pointer)
                Gemm.multiply(m: filters, n: c.ldc, k: geometry.columnRows, a: weight.value.pointer, lda: geometry.columnRows,
                              b: work.columns.pointer, ldb: c.ldc, c: work.product.pointer, ldc: c.ldc)
                if let winners = poolWinners {
                    poolChunk(work.product.pointer, c, output: output, winners: context.inferenceOnly ? nil : winners)
                } else {
                    scatterChunk(work.product.pointer, c, output: output, residual: addsResidual ? inputs[1] : nil)
                }
            }
        }
    }

    /// Each (image, filter) plane of the gemm result: bias and ReLU in place, then pooled into
    /// the output and (training) the winners.
    private func poolChunk(_ result: UnsafeMutablePointer<Float>, _ c: Chunk, output: Tensor, winners: Tensor?) {
        let g = geometry!, p = g.outArea, f = filters, pp = pooledArea, b = bias?.value.pointer
        for i in 0..<c.count {
            for k in 0..<f {
                let plane = result + k * c.ldc + i * p, o = ((c.start + i) * f + k) * pp
                Elementwise.addBias(plane, plane, bias: b?[k] ?? 0, count: p, relu: activation == .relu)
                MaxPool2x2.forward(plane, output.pointer + o, winners: winners.map { $0.pointer + o }, planes: 0..<1,
                                   height: g.outH, width: g.outW)
            }
        }
    }

    /// (F, count*P) -> (count, F, P) with the bias, a residual (inference copies that fold an
    /// add) and the activation (ReLU fused into the copy when there is no residual).
    private func scatterChunk(_ result: UnsafePointer<Float>, _ c: Chunk, output: Tensor, residual: Tensor?) {
        let p = geometry.outArea, f = filters, b = bias?.value.pointer, fuseRelu = activation == .relu && residual == nil
        for i in 0..<c.count {
            let y = output.pointer + (c.start + i) * f * p
            for k in 0..<f {
                Elementwise.addBias(y + k * p, result + k * c.ldc + i * p, bias: b?[k] ?? 0, count: p, relu: fuseRelu)
            }
        }
        if !fuseRelu { finishOutput(output, images: c.start..<(c.start + c.count), residual: residual) }
    }

    /// The residual add and the activation over whole images of the output, which hold conv + bias.
    func finishOutput(_ output: Tensor, images: Range<Int>, residual: Tensor?) {
        let size = filters * geometry.outArea, y = output.pointer + images.lowerBound * size, count = images.count * size
        if let residual { Elementwise.addShort(y, residual.pointer + images.lowerBound * size, count: count) }
        if activation.needsInput { (preActivation.pointer + images.lowerBound * size).update(from: y, count: count) }
        activation.apply(y, count: count, channels: filters, inner: geometry.outArea)
    }

    public func backward(inputs: [Tensor], output: Tensor, outputGradient: Tensor,
                         inputGradients: [Tensor?], context: LayerContext) {
        let x = inputs[0], n = x.shape[0]
        if usesShiftedPlanes {
            backwardShifted(x, output: output, outputGradient: outputGradient, inputGradient: inputGradients[0], context: context)
            return
        }
        let slices = context.split.slices(for: n)
        prepareGradientPartials(slices: slices)
        let chunk = imagesPerChunk, p = geometry.outArea
        if bias != nil && ones.count < chunk * p { ones.resize(to: [chunk * p]); ones.fill(1) }
        prepareWorkspaces(slices: slices, chunk: chunk)
        context.split.forEachSlice(of: n) { slice, images in
            let work = workspaces[slice]
            forEachChunk(of: images) { c in
                let dz = work.product.pointer
                if let winners = poolWinners {
                    unpoolGradient(c, output: output, outputGradient: outputGradient, winners: winners,
                                   masked: work.pooledGradient.pointer, dz: dz)
                } else {
                    activationGradient(c, output: output, outputGradient: outputGradient, dz: dz)
                }
                let (dw, db) = parameterGradientTargets(slice: slices == 1 ? nil : slice,
                                                        clear: c.start == images.lowerBound)
                unfold(x, c, into: work.columns.pointer)
                accumulateParameterGradients(dz: dz, columns: work.columns.pointer, c, dw: dw, db: db)
                if let dx = inputGradients[0] { inputGradient(dz: dz, columns: work.columns.pointer, c, dx: dx) }
            }
        }
        if slices > 1 { addSlicePartials(slices: slices) }
    }

    /// One dW + db buffer per slice when the batch is split.
    func prepareGradientPartials(slices: Int) {
        guard slices > 1 else { return }
        let count = filters * geometry.columnRows + filters
        while gradientPartials.count < slices { gradientPartials.append(Tensor(shape: [count])) }
    }

    /// dZ (F, ldc) from the pooled gradient: ReLU's mask is the pooled output's sign (the
    /// winner's value), then each gradient goes to its window's winner.
    func unpoolGradient(_ c: Chunk, output: Tensor, outputGradient: Tensor, winners: Tensor,
                        masked: UnsafeMutablePointer<Float>, dz: UnsafeMutablePointer<Float>) {
        let g = geometry!, p = g.outArea, f = filters, pp = pooledArea
        for i in 0..<c.count {
            for k in 0..<f {
                let o = ((c.start + i) * f + k) * pp
                var source = UnsafePointer(outputGradient.pointer + o)
                if activation == .relu {
                    Elementwise.copyWherePositive(masked, source, mask: output.pointer + o, count: pp)
                    source = UnsafePointer(masked)
                }
                MaxPool2x2.backward(winners: winners.pointer + o, source, dz + k * c.ldc + i * p,
                                    planes: 0..<1, height: g.outH, width: g.outW)
            }
        }
    }

    /// dZ = dY * act'(.), transposed from NCHW into (F, ldc) for the gemms; ReLU (the common
    /// case) is fused into the copy.
    func activationGradient(_ c: Chunk, output: Tensor, outputGradient: Tensor, dz: UnsafeMutablePointer<Float>) {
        let p = geometry.outArea, f = filters, act = activation
        let gy = outputGradient.pointer + c.start * f * p, y = output.pointer + c.start * f * p
        let pre: UnsafePointer<Float>? = act.needsInput ? UnsafePointer(preActivation.pointer + c.start * f * p) : nil
        for i in 0..<c.count {
            for k in 0..<f {
                let offset = (i * f + k) * p, row = dz + k * c.ldc + i * p
                if act == .relu {
                    Elementwise.copyWherePositive(row, gy + offset, mask: y + offset, count: p)
                    continue
                }
                row.update(from: gy + offset, count: p)
                if act != .identity && act != .softmax {
                    act.backward(output: y + offset, input: pre.map { $0 + offset }, gradient: row, count: p, channels: 1, inner: 1)
                }
            }
        }
        if act == .softmax { softmaxBackward(dz: dz, y: y, gy: gy, count: c.count, ldc: c.ldc) }
    }

    /// Where a slice adds dW and db: the parameters' own gradients with one slice, else the
    /// slice's partials (zeroed at its first chunk).
    func parameterGradientTargets(slice: Int?, clear: Bool) -> (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>?) {
        guard let slice else { return (weight.gradient.pointer, bias?.gradient.pointer) }
        let weightCount = filters * geometry.columnRows, dw = gradientPartials[slice].pointer
        if clear { dw.update(repeating: 0, count: weightCount + filters) }
        return (dw, bias == nil ? nil : dw + weightCount)
    }

    /// dW += dZ . columns^T and db += row sums of dZ.
    private func accumulateParameterGradients(dz: UnsafePointer<Float>, columns: UnsafePointer<Float>, _ c: Chunk,
                                              dw: UnsafeMutablePointer<Float>, db: UnsafeMutablePointer<Float>?) {
        let ckk = geometry.columnRows, f = filters
        if ckk <= Conv2D.narrowTaps {
            NarrowProduct.accumulate(m: f, n: ckk, length: c.ldc, a: dz, lda: c.ldc, b: columns, ldb: c.ldc, c: dw, ldc: ckk)
        } else {
            Gemm.multiply(transposeB: true, m: f, n: ckk, k: c.ldc, a: dz, lda: c.ldc, b: columns, ldb: c.ldc,
                          beta: 1, c: dw, ldc: ckk)
        }
        if let db {
            // Row sums of dZ as a gemm against a ones vector: vectorised, unlike a serial float sum.
            Gemm.multiply(m: f, n: 1, k: c.ldc, a: dz, lda: c.ldc, b: ones.pointer, ldb: 1, beta: 1, c: db, ldc: 1)
        }
    }

    /// dColumns = W^T (CKK, F) . dZ (F, ldc), written over the columns (no longer needed), then
    /// folded back into the chunk's images of dX.
    private func inputGradient(dz: UnsafePointer<Float>, columns: UnsafeMutablePointer<Float>, _ c: Chunk, dx: Tensor) {
        let g = geometry!, ckk = g.columnRows, inSize = g.channels * g.inArea
        Gemm.multiply(transposeA: true, m: ckk, n: c.ldc, k: filters, a: weight.value.pointer, lda: ckk, b: dz, ldb: c.ldc,
                      c: columns, ldc: c.ldc)
        let dxs = dx.pointer + c.start * inSize
        dxs.update(repeating: 0, count: c.count * inSize)
        for i in 0..<c.count {
            Im2Col.columnsToImage(columns + i * g.outArea, ldc: c.ldc, g, image: dxs + i * inSize)
        }
    }

    /// The slices' dW and db added into the parameters' gradients, in slice order.
    func addSlicePartials(slices: Int) {
        let weightCount = filters * geometry.columnRows
        let dw = weight.gradient.pointer, db = bias?.gradient.pointer
        for s in 0..<slices {
            let partial = gradientPartials[s].pointer
            for i in 0..<weightCount { dw[i] += partial[i] }
            if let db { for k in 0..<filters { db[k] += partial[weightCount + k] } }
        }
    }

    /// Softmax over channels: dz[c] = y[c] * (gy[c] - sum_k gy[k] y[k]) at each (image, position).
    private func softmaxBackward(dz: UnsafeMutablePointer<Float>, y: UnsafePointer<Float>, gy: UnsafePointer<Float>,
                                 count: Int, ldc: Int) {
        let f = filters, p = geometry.outArea
        for i in 0..<count {
            for j in 0..<p {
                var dot: Float = 0
                for c in 0..<f { let k = (i * f + c) * p + j; dot += gy[k] * y[k] }
                for c in 0..<f { let k = (i * f + c) * p + j; dz[c * ldc + i * p + j] = y[k] * (gy[k] - dot) }
            }
        }
    }
}
