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
/// A graph may run the plain 2x2 max pool that follows a ReLU (or linear) conv inside it
/// (`fusePooling`): forward then pools each chunk's gemm result while it is in cache and writes
/// only the pooled output, and backward builds dZ from the pooled gradient, so the conv's own
/// output and its gradient are never stored. The numbers are the same as running the two layers.
public final class Conv2D: InitializableLayer {
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

    /// The max pool run inside this layer; `output` and `outputGradient` are then the pool's.
    public private(set) var pooling: MaxPool2D?
    private var workspaces: [Conv2DWorkspace] = []
    /// Pre-activation output, kept only for GELU.
    private let preActivation = Tensor(shape: [0])
    /// A vector of ones, at least count*P long, for the bias gradient's row sums.
    private let ones = Tensor(shape: [0])
    /// Per-thread dW and db when more than one slice runs, summed in slice order (deterministic).
    private var gradientPartials: [Tensor] = []

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

    private func prepareWorkspaces(slices: Int, chunk: Int) {
        while workspaces.count < slices { workspaces.append(Conv2DWorkspace()) }
        let area = chunk * geometry.outArea
        for w in workspaces {
            w.prepare(columns: geometry.columnRows * area, product: filters * area,
                      pooledPlane: pooling?.geometry.outArea ?? 0)
        }
    }

    /// Runs `pool`, which must read this layer's output and nothing else, inside this layer from
    /// now on; false (and nothing changes) unless this conv is ReLU or linear and the pool is the
    /// plain 2x2 stride-2 kind.
    public func fusePooling(_ pool: MaxPool2D) -> Bool {
        guard activation == .relu || activation == .identity, pool.isPlain2x2,
              pool.geometry.channels == filters, pool.geometry.height == geometry.outH,
              pool.geometry.width == geometry.outW else { return false }
        pooling = pool
        return true
    }

    public func forward(inputs: [Tensor], output: Tensor, context: LayerContext) {
        let x = inputs[0]
        let g = geometry!
        let n = x.shape[0], ckk = g.columnRows, p = g.outArea, f = filters, inSize = g.channels * g.inArea
        let chunk = imagesPerChunk
        prepareWorkspaces(slices: context.split.slices(for: n), chunk: chunk)
        pooling?.winners.resize(to: output.shape)
        let keepInput = activation.needsInput
        if keepInput { preActivation.resize(to: output.shape) }
        let w = weight.value.pointer, b = bias?.value.pointer
        let act = activation
        let fuseRelu = act == .relu
        context.split.forEachSlice(of: n) { slice, images in
          let work = workspaces[slice]
          let cols = work.columns.pointer, result = work.product.pointer
          for chunkStart in Swift.stride(from: images.lowerBound, to: images.upperBound, by: chunk) {
            let start = chunkStart, count = min(chunk, images.upperBound - chunkStart)
            let ldc = count * p
            for i in 0..<count {
                Im2Col.imageToColumns(x.pointer + (start + i) * inSize, g, columns: cols + i * p, ldc: ldc)
            }
            Gemm.multiply(m: f, n: ldc, k: ckk, a: w, lda: ckk, b: cols, ldb: ldc, c: result, ldc: ldc)
            if let pool = pooling {
                // Each (image, filter) plane of the result: bias and ReLU in place, then pooled
                // into the pool's output and winners.
                let pp = pool.geometry.outArea
                for i in 0..<count {
                    for c in 0..<f {
                        let plane = result + c * ldc + i * p, o = ((start + i) * f + c) * pp
                        Elementwise.addBias(plane, plane, bias: b?[c] ?? 0, count: p, relu: fuseRelu)
                        MaxPool2x2.forward(plane, output.pointer + o, winners: pool.winners.pointer + o, planes: 0..<1,
                                           height: g.outH, width: g.outW)
                    }
                }
                continue
            }
            // (F, n*P) -> (n, F, P) with bias; ReLU fused into the same pass.
            for i in 0..<count {
                let y = output.pointer + (start + i) * f * p
                for c in 0..<f {
                    Elementwise.addBias(y + c * p, result + c * ldc + i * p, bias: b?[c] ?? 0, count: p, relu: fuseRelu)
                }
            }
            if !fuseRelu {
                let y = output.pointer + start * f * p
                if keepInput { (self.preActivation.pointer + start * f * p).update(from: y, count: count * f * p) }
                act.apply(y, count: count * f * p, channels: f, inner: p)
            }
          }
        }
    }

    public func backward(inputs: [Tensor], output: Tensor, outputGradient: Tensor,
                         inputGradients: [Tensor?], context: LayerContext) {
        let x = inputs[0]
        let g = geometry!
        let n = x.shape[0], ckk = g.columnRows, p = g.outArea, f = filters, inSize = g.channels * g.inArea
        let slices = context.split.slices(for: n)
        let weightCount = f * ckk
        if slices > 1 {
            while gradientPartials.count < slices { gradientPartials.append(Tensor(shape: [weightCount + f])) }
        }
        let w = weight.value.pointer
        let act = activation
        let pre: UnsafePointer<Float>? = act.needsInput ? UnsafePointer(preActivation.pointer) : nil
        let dx = inputGradients[0]
        let chunk = imagesPerChunk
        if bias != nil && ones.count < chunk * p { ones.resize(to: [chunk * p]); ones.fill(1) }
        prepareWorkspaces(slices: slices, chunk: chunk)
        context.split.forEachSlice(of: n) { slice, images in
          let work = workspaces[slice]
          let cols = work.columns.pointer, dz = work.product.pointer
          for chunkStart in Swift.stride(from: images.lowerBound, to: images.upperBound, by: chunk) {
            let start = chunkStart, count = min(chunk, images.upperBound - chunkStart)
            let firstChunk = chunkStart == images.lowerBound
            let ldc = count * p
            // dZ = dY * act'(.) in NCHW, transposed into (F, n*P) for the gemms; ReLU (the common
            // case) is fused into the copy.
            let gy = outputGradient.pointer + start * f * p
            let y = output.pointer + start * f * p
            if let pool = pooling {
                // dZ from the pooled gradient: ReLU's mask is the pooled output's sign (the
                // winner's value), then each gradient goes to its window's winner.
                let pp = pool.geometry.outArea, masked = work.pooledGradient.pointer
                for i in 0..<count {
                    for c in 0..<f {
                        let o = ((start + i) * f + c) * pp
                        var source = UnsafePointer(outputGradient.pointer + o)
                        if act == .relu {
                            Elementwise.copyWherePositive(masked, source, mask: output.pointer + o, count: pp)
                            source = UnsafePointer(masked)
                        }
                        MaxPool2x2.backward(winners: pool.winners.pointer + o, source, dz + c * ldc + i * p,
                                            planes: 0..<1, height: g.outH, width: g.outW)
                    }
                }
            }
            for i in 0..<count where pooling == nil {
                for c in 0..<f {
                    let src = gy + (i * f + c) * p, row = dz + c * ldc + i * p
                    if act == .relu {
                        Elementwise.copyWherePositive(row, src, mask: y + (i * f + c) * p, count: p)
                    } else {
                        row.update(from: src, count: p)
                        if act != .identity && act != .softmax {
                            let off = (i * f + c) * p
                            act.backward(output: y + off, input: pre.map { $0 + off }, gradient: row, count: p, channels: 1, inner: 1)
                        }
                    }
                }
            }
            if act == .softmax { self.softmaxBackward(dz: dz, y: y, gy: gy, count: count, ldc: ldc) }
            let dw: UnsafeMutablePointer<Float>, db: UnsafeMutablePointer<Float>?
            if slices == 1 {
                dw = weight.gradient.pointer; db = bias?.gradient.pointer
            } else {
                dw = gradientPartials[slice].pointer; db = bias == nil ? nil : dw + weightCount
                if firstChunk { dw.update(repeating: 0, count: weightCount + f) }
            }
            for i in 0..<count {
                Im2Col.imageToColumns(x.pointer + (start + i) * inSize, g, columns: cols + i * p, ldc: ldc)
            }
            if ckk <= Conv2D.narrowTaps {
                NarrowProduct.accumulate(m: f, n: ckk, length: ldc, a: dz, lda: ldc, b: cols, ldb: ldc, c: dw, ldc: ckk)
            } else {
                Gemm.multiply(transposeB: true, m: f, n: ckk, k: ldc, a: dz, lda: ldc, b: cols, ldb: ldc,
                              beta: 1, c: dw, ldc: ckk)
            }
            if let db {
                // Row sums of dZ as a gemm against a ones vector: vectorised, unlike a serial float sum.
                Gemm.multiply(m: f, n: 1, k: ldc, a: dz, lda: ldc, b: ones.pointer, ldb: 1, beta: 1, c: db, ldc: 1)
            }
            if let dx {
                // dColumns = W^T (CKK, F) . dZ (F, n*P), written over the columns (no longer needed).
                Gemm.multiply(transposeA: true, m: ckk, n: ldc, k: f, a: w, lda: ckk, b: dz, ldb: ldc,
                              c: cols, ldc: ldc)
                let dxs = dx.pointer + start * inSize
                dxs.update(repeating: 0, count: count * inSize)
                for i in 0..<count {
                    Im2Col.columnsToImage(cols + i * p, ldc: ldc, g, image: dxs + i * inSize)
                }
            }
          }
        }
        if slices > 1 {
            let dw = weight.gradient.pointer, db = bias?.gradient.pointer
            for s in 0..<slices {
                let partial = gradientPartials[s].pointer
                for i in 0..<weightCount { dw[i] += partial[i] }
                if let db { for c in 0..<f { db[c] += partial[weightCount + c] } }
            }
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
