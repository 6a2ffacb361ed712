import DLTCore

/// Conv2D's path for stride-1 convolutions with few filters and channels: forward, dW and dX are
/// direct register-blocked loops over each image's zero-bordered planes instead of im2col +
/// sgemm, whose M = filters (forward) or K = filters (dX) is too small there to run near peak
/// (docs/performance.md has the figures that set `shiftedPlaneFilters`). Forward takes this path
/// for every such layer; backward only where it is ahead of sgemm (`usesShiftedPlanes`).
///
/// Per image: x is copied into `padded` (C planes of Hp x Wp) and correlated by whichever kernel
/// computes less. `ShiftedPlaneConvolution` writes whole Wp-wide virtual rows into `planes`, whose
/// valid OW columns are copied out with the bias and activation; `FilterLaneConvolution`
/// computes the valid pixels only and writes them into y itself, bias and ReLU on the way. With
/// an absorbed 2x2 max pool either kernel writes `planes`, pooled from the virtual rows, then
/// the bias and activation on the pooled plane. Backward spreads dZ into `gradient` (F planes
/// of the same virtual layout, zero at junk columns and in a margin before and after) and reads it twice:
/// dW from dZ against the padded input's shifted planes, and dX as the correlation of dZ with
/// the channel-swapped weights at the negated shifts.
extension Conv2D {
    /// Stride-1 layers with at most this many filters and input channels take this path; their
    /// backward too, except with more than `smallPlaneFilters` filters on output planes under
    /// `widePlaneArea` pixels: on 3x3 and 4x4 outputs (mnist_cnn3's and cifar10_cnn's last
    /// convs) it took 1.5-2.5x sgemm's time, while at 11x11 and more it is ahead.
    static let shiftedPlaneFilters = 64
    static let shiftedPlaneChannels = 64
    static let smallPlaneFilters = 32
    static let widePlaneArea = 100

    var usesShiftedPlanes: Bool {
        forwardUsesPlanes && (filters <= Conv2D.smallPlaneFilters || geometry.outArea >= Conv2D.widePlaneArea)
    }

    /// Forward takes the planes for every stride-1 layer within the filter and channel limits:
    /// on small output planes it is ahead of sgemm too (with filter lanes), only backward is not.
    var forwardUsesPlanes: Bool {
        stride == (1, 1) && filters <= Conv2D.shiftedPlaneFilters && geometry.channels <= Conv2D.shiftedPlaneChannels
    }

    /// The virtual-plane layout of this layer's geometry.
    struct ShiftedPlaneLayout {
        let paddedWidth, paddedArea: Int
        /// Forward's virtual output (OH rows of Wp), rounded up to whole pixel blocks.
        let outputLength: Int
        /// The outputs forward computes: OH x OW, or with an absorbed 2x2 pool only the rows and
        /// columns its windows read (an odd last row or column is never read); `forwardLength`
        /// is their virtual rows, rounded likewise.
        let forwardRows, forwardColumns, forwardLength: Int
        /// Backward's dX rows (H rows of Wp, from the first unpadded row), rounded likewise.
        let inputGradientLength: Int
        let maxOffset: Int
        /// Zero floats before each dZ plane, so dX's negative shifts stay inside the buffer.
        let gradientMargin: Int
        let gradientStride: Int
        let paddedCount: Int
        /// One image's dZ block: F planes and a trailing margin.
        let imageGradientCount: Int
        /// Images whose padded inputs and dZ backward keeps at once, for dW's sums over the group.
        let backwardImages: Int
        /// The blocking forward runs `FilterLaneConvolution` (valid pixels only) with, or nil for
        /// `ShiftedPlaneConvolution` (whole virtual rows): filter lanes when they compute fewer
        /// outputs, filters and pixels rounded up to their blocks, and have at least
        /// `filterLaneTaps` channel-taps per output (below that their scattered stores dominate).
        let forwardLanes: FilterLaneConvolution.Blocking?
        /// The same choice for dX's correlation (dZ's F channels into the C input channels, over
        /// the input's H x W pixels or its virtual rows).
        let inputGradientLanes: FilterLaneConvolution.Blocking?
        static let filterLaneTaps = 32
        /// Without padding an image's planes already are the padded planes, and filter lanes read
        /// valid positions only (virtual rows read past the last plane): forward reads x itself.
        let forwardReadsInputInPlace: Bool

        /// Filter lanes' blocking, where it computes fewer outputs than virtual rows of `rowLength`.
        private static func filterLanes(outChannels: Int, depth: Int, pixels: Int, rowLength: Int) -> FilterLaneConvolution.Blocking? {
            let rowBlock = ShiftedPlaneConvolution.channelBlock
            let rowWork = (outChannels + rowBlock - 1) / rowBlock * rowBlock * rowLength
            let blocking = FilterLaneConvolution.Blocking.best(outChannels: outChannels, pixels: pixels)
            let laneWork = blocking.work(outChannels: outChannels, pixels: pixels)
            return depth >= filterLaneTaps && laneWork < rowWork ? blocking : nil
        }

        /// Floats of padded inputs and dZ that backward keeps per group (256 KB, within L2).
        static let backwardBudget = 65_536

        init(_ g: WindowGeometry, filters: Int, pooled: Bool) {
            let block = ShiftedPlaneConvolution.pixelBlock
            paddedWidth = g.width + g.padLeft + g.padRight
            paddedArea = (g.height + g.padTop + g.padBottom) * paddedWidth
            outputLength = (g.outH * paddedWidth + block - 1) / block * block
            forwardRows = pooled ? g.outH / 2 * 2 : g.outH
            forwardColumns = pooled ? g.outW / 2 * 2 : g.outW
            forwardLength = (forwardRows * paddedWidth + block - 1) / block * block
            inputGradientLength = (g.height * paddedWidth + block - 1) / block * block
            maxOffset = (g.kernelH - 1) * g.dilationH * paddedWidth + (g.kernelW - 1) * g.dilationW
            gradientMargin = max(0, maxOffset - g.padTop * paddedWidth)
            gradientStride = gradientMargin + max(outputLength, g.padTop * paddedWidth + inputGradientLength)
            paddedCount = max(g.channels * paddedArea, (g.channels - 1) * paddedArea + outputLength + maxOffset)
            imageGradientCount = filters * gradientStride + gradientMargin
            backwardImages = max(1, min(8, Self.backwardBudget / (paddedCount + imageGradientCount)))
            forwardLanes = Self.filterLanes(outChannels: filters, depth: g.channels * g.kernelArea,
                                            pixels: forwardRows * forwardColumns, rowLength: forwardLength)
            forwardReadsInputInPlace = forwardLanes != nil && paddedArea == g.inArea
            inputGradientLanes = Self.filterLanes(outChannels: g.channels, depth: filters * g.kernelArea,
                                                  pixels: g.inArea, rowLength: inputGradientLength)
        }

        /// The places of a rows x columns block of pixels in Wp-wide virtual rows, from column
        /// `first`, the last repeated up to whole pixel blocks of `blocking` (none without one).
        func positions(rows: Int, columns: Int, first: Int, blocking: FilterLaneConvolution.Blocking?) -> [Int] {
            guard let blocking else { return [] }
            var positions: [Int] = []
            for r in 0..<rows {
                for c in 0..<columns { positions.append(r * paddedWidth + first + c) }
            }
            while positions.count % blocking.pixels != 0 { positions.append(positions[positions.count - 1]) }
            return positions
        }

        func tapOffsets(_ g: WindowGeometry) -> [Int] {
            var offsets: [Int] = []
            for kh in 0..<g.kernelH {
                for kw in 0..<g.kernelW { offsets.append(kh * g.dilationH * paddedWidth + kw * g.dilationW) }
            }
            return offsets
        }
    }

    /// Offsets the kernels read with, fixed by the layer's geometry: each tap's shift in the
    /// padded plane and the same negated (dX); for filter lanes the valid pixels' places in the
    /// virtual rows and each (channel, tap)'s shift, forward and for dX.
    struct ShiftedPlaneTables {
        let taps: [Int], negatedTaps: [Int]
        let outputPositions: [Int], inputChannelTaps: [Int]
        /// The same pixels' places in the layer's OH x OW output planes, for filter lanes that
        /// write the output directly (no absorbed pool).
        let outputTargets: [Int]
        let inputGradientPositions: [Int], gradientChannelTaps: [Int]

        init(_ g: WindowGeometry, _ layout: ShiftedPlaneLayout, filters: Int) {
            taps = layout.tapOffsets(g)
            negatedTaps = taps.map { -$0 }
            outputPositions = layout.positions(rows: layout.forwardRows, columns: layout.forwardColumns, first: 0,
                                               blocking: layout.forwardLanes)
            outputTargets = outputPositions.map { $0 / layout.paddedWidth * g.outW + $0 % layout.paddedWidth }
            inputChannelTaps = FilterLaneConvolution.channelTapOffsets(offsets: taps, channels: g.channels, inStride: layout.paddedArea)
            inputGradientPositions = layout.positions(rows: g.height, columns: g.width, first: g.padLeft,
                                                      blocking: layout.inputGradientLanes)
            gradientChannelTaps = FilterLaneConvolution.channelTapOffsets(offsets: negatedTaps, channels: filters,
                                                                          inStride: layout.gradientStride)
        }
    }

    /// One slice's buffers for the shifted-plane path, zeroed once: only the parts every image
    /// overwrites are written later, so padding, junk columns and margins stay zero.
    final class ShiftedPlaneWorkspace {
        let padded = Tensor(shape: [0])
        let planes = Tensor(shape: [0])
        let gradient = Tensor(shape: [0])
        /// One image's dZ in NCHW order, (F, P).
        let contiguous = Tensor(shape: [0])
        /// With an absorbed pool: one pooled plane's gradient, masked by ReLU.
        let pooledGradient = Tensor(shape: [0])

        func prepare(_ layout: ShiftedPlaneLayout, filters: Int, channels: Int, outArea: Int, pooledArea: Int) {
            let block = ShiftedPlaneConvolution.channelBlock
            let planeRows = max((filters + block - 1) / block * block * layout.outputLength,
                                (channels + block - 1) / block * block * layout.inputGradientLength)
            Self.zeroed(padded, count: layout.backwardImages * layout.paddedCount)
            Self.zeroed(planes, count: planeRows)
            Self.zeroed(gradient, count: layout.backwardImages * layout.imageGradientCount)
            Self.zeroed(contiguous, count: filters * outArea)
            Self.zeroed(pooledGradient, count: pooledArea)
        }

        private static func zeroed(_ tensor: Tensor, count: Int) {
            guard tensor.count != count else { return }
            tensor.resize(to: [count])
            tensor.zero()
        }
    }

    func prepareShiftedPlanes(slices: Int) -> ShiftedPlaneLayout {
        let g = geometry!, layout = ShiftedPlaneLayout(g, filters: filters, pooled: poolWinners != nil)
        if planeTables == nil { planeTables = ShiftedPlaneTables(g, layout, filters: filters) }
        while shiftedWorkspaces.count < slices { shiftedWorkspaces.append(ShiftedPlaneWorkspace()) }
        let pooled = poolWinners == nil ? 0 : (g.outH / 2) * (g.outW / 2)
        for w in shiftedWorkspaces {
            w.prepare(layout, filters: filters, channels: g.channels, outArea: g.outArea, pooledArea: pooled)
        }
        return layout
    }

    /// Image `i` of x into the interior of the padded planes.
    private func copyPadded(_ x: Tensor, image i: Int, _ layout: ShiftedPlaneLayout, into padded: UnsafeMutablePointer<Float>) {
        let g = geometry!
        Self.copyRows(planes: g.channels, rows: g.height, width: g.width,
                      from: x.pointer + i * g.channels * g.inArea, planeStride: g.inArea, rowStride: g.width,
                      to: padded + g.padTop * layout.paddedWidth + g.padLeft, planeStride: layout.paddedArea,
                      rowStride: layout.paddedWidth)
    }

    /// `width` floats of each of `rows` rows of each of `planes` planes, between two layouts
    /// (NCHW rows, Wp-wide virtual rows) given by their plane and row strides.
    private static func copyRows(planes: Int, rows: Int, width: Int,
                                 from source: UnsafePointer<Float>, planeStride sourcePlane: Int, rowStride sourceRow: Int,
                                 to target: UnsafeMutablePointer<Float>, planeStride targetPlane: Int, rowStride targetRow: Int) {
        for p in 0..<planes {
            for r in 0..<rows {
                Elementwise.copyShort(target + p * targetPlane + r * targetRow, source + p * sourcePlane + r * sourceRow,
                                      count: width)
            }
        }
    }

    func forwardShifted(_ x: Tensor, residual: Tensor?, output: Tensor, context: LayerContext) {
        let n = x.shape[0], g = geometry!, f = filters, p = g.outArea
        let layout = prepareShiftedPlanes(slices: context.split.slices(for: n))
        packWeights(layout, forInputGradient: false)
        let fuseRelu = activation == .relu && residual == nil, b = bias?.value.pointer
        let tables = planeTables!
        tables.taps.withUnsafeBufferPointer { offsets in
            context.split.forEachSlice(of: n) { slice, images in
                let work = shiftedWorkspaces[slice]
                for i in images {
                    var input = UnsafePointer(x.pointer + i * g.channels * g.inArea)
                    if !layout.forwardReadsInputInPlace {
                        copyPadded(x, image: i, layout, into: work.padded.pointer)
                        input = UnsafePointer(work.padded.pointer)
                    }
                    let y = output.pointer + i * f * p
                    if layout.forwardLanes != nil && poolWinners == nil {
                        // Filter lanes write y itself, bias and ReLU on the way: no pass over planes.
                        correlateLanes(input, layout, tables, into: y, finish: .init(bias: b, relu: fuseRelu))
                        if !fuseRelu { finishOutput(output, images: i..<(i + 1), residual: residual) }
                        continue
                    }
                    correlateForward(input, work, layout, tables, offsets: offsets.baseAddress!)
                    if let winners = poolWinners {
                        // Pooled straight from the virtual rows, bias and ReLU after in the same
                        // pass: both are monotone, so the maxima are the same bits (and ReLU's ties
                        // at zero get no gradient either way). Inference keeps no winners.
                        let pooled = (g.outH / 2) * (g.outW / 2)
                        for k in 0..<f {
                            let o = (i * f + k) * pooled
                            MaxPool2x2.forward(work.planes.pointer + k * layout.outputLength, output.pointer + o,
                                               winners: context.inferenceOnly ? nil : winners.pointer + o, planes: 0..<1,
                                               height: g.outH, width: g.outW, rowStride: layout.paddedWidth,
                                               bias: b?[k] ?? 0, relu: activation == .relu)
                        }
                        continue
                    }
                    for k in 0..<f {
                        for row in 0..<g.outH {
                            Elementwise.addBias(y + k * p + row * g.outW,
                                                work.planes.pointer + k * layout.outputLength + row * layout.paddedWidth,
                                                bias: b?[k] ?? 0, count: g.outW, relu: fuseRelu)
                        }
                    }
                    if !fuseRelu { finishOutput(output, images: i..<(i + 1), residual: residual) }
                }
            }
        }
    }

    /// `packedWeights` for the kernel the layout picked: forward's (filters over channels) or,
    /// `forInputGradient`, dX's channel-swapped ones (channels over filters).
    private func packWeights(_ layout: ShiftedPlaneLayout, forInputGradient: Bool) {
        let lanes = forInputGradient ? layout.inputGradientLanes : layout.forwardLanes
        let block = lanes?.filters ?? ShiftedPlaneConvolution.channelBlock
        let (outChannels, channels) = forInputGradient ? (geometry.channels, filters) : (filters, geometry.channels)
        let taps = geometry.kernelArea
        packedWeights.resize(to: [BlockedWeights.count(outChannels: outChannels, channels: channels, taps: taps, block: block)])
        BlockedWeights.pack(weight.value.pointer, outChannels: outChannels, channels: channels, taps: taps, block: block,
                            transposed: forInputGradient, into: packedWeights.pointer)
    }

    /// One image's padded planes (`input`) correlated by filter lanes straight into its output
    /// planes `y` (OH x OW each), finished with bias and ReLU.
    private func correlateLanes(_ input: UnsafePointer<Float>, _ layout: ShiftedPlaneLayout, _ tables: ShiftedPlaneTables,
                                into y: UnsafeMutablePointer<Float>, finish: FilterLaneConvolution.Finish) {
        tables.outputPositions.withUnsafeBufferPointer { positions in
            tables.outputTargets.withUnsafeBufferPointer { targets in
                tables.inputChannelTaps.withUnsafeBufferPointer { channelTaps in
                    FilterLaneConvolution.correlate(
                        input: input, channelTaps: channelTaps, packed: packedWeights.pointer, outChannels: filters,
                        positions: positions, targets: targets, finish: finish, output: y, outStride: geometry.outArea,
                        blocking: layout.forwardLanes!)
                }
            }
        }
    }

    /// One image's padded planes (`input`) correlated into the virtual output rows of `work.planes`.
    private func correlateForward(_ input: UnsafePointer<Float>, _ work: ShiftedPlaneWorkspace, _ layout: ShiftedPlaneLayout,
                                  _ tables: ShiftedPlaneTables, offsets: UnsafePointer<Int>) {
        let g = geometry!
        if let blocking = layout.forwardLanes {
            tables.outputPositions.withUnsafeBufferPointer { positions in
                tables.inputChannelTaps.withUnsafeBufferPointer { channelTaps in
                    FilterLaneConvolution.correlate(
                        input: input, channelTaps: channelTaps, packed: packedWeights.pointer,
                        outChannels: filters, positions: positions, output: work.planes.pointer,
                        outStride: layout.outputLength, blocking: blocking)
                }
            }
        } else {
            ShiftedPlaneConvolution.correlate(
                input: input, inStride: layout.paddedArea, channels: g.channels, offsets: offsets,
                taps: g.kernelArea, packed: packedWeights.pointer, outChannels: filters,
                output: work.planes.pointer, outStride: layout.outputLength, length: layout.forwardLength)
        }
    }

    func backwardShifted(_ x: Tensor, output: Tensor, outputGradient: Tensor, inputGradient dx: Tensor?,
                         context: LayerContext) {
        let n = x.shape[0], g = geometry!, f = filters, taps = g.kernelArea, ch = g.channels
        let slices = context.split.slices(for: n)
        let layout = prepareShiftedPlanes(slices: slices)
        prepareGradientPartials(slices: slices)
        if dx != nil { packWeights(layout, forInputGradient: true) }
        let tables = planeTables!
        tables.taps.withUnsafeBufferPointer { offsets in
            tables.negatedTaps.withUnsafeBufferPointer { negated in
                context.split.forEachSlice(of: n) { slice, images in
                    let work = shiftedWorkspaces[slice], group = layout.backwardImages
                    for start in Swift.stride(from: images.lowerBound, to: images.upperBound, by: group) {
                        let count = min(group, images.upperBound - start)
                        let (dw, db) = parameterGradientTargets(slice: slices == 1 ? nil : slice,
                                                                clear: start == images.lowerBound)
                        for j in 0..<count {
                            spreadGradient(image: start + j, output: output, outputGradient: outputGradient, layout,
                                           work: work, into: gradientPlanes(work, layout, j), biasGradient: db)
                            copyPadded(x, image: start + j, layout, into: work.padded.pointer + j * layout.paddedCount)
                        }
                        let source = ShiftedPlaneConvolution.WeightGradientSource(
                            gradient: gradientPlanes(work, layout, 0), gradStride: layout.gradientStride,
                            gradImageStride: layout.imageGradientCount, input: work.padded.pointer,
                            inStride: layout.paddedArea, inImageStride: layout.paddedCount, images: count)
                        ShiftedPlaneConvolution.accumulateWeightGradient(
                            source, outChannels: f, channels: ch, offsets: offsets.baseAddress!, taps: taps,
                            length: layout.outputLength, weightGradient: dw)
                        guard let dx else { continue }
                        for j in 0..<count {
                            correlateInputGradient(gradientPlanes(work, layout, j) + g.padTop * layout.paddedWidth,
                                                   work, layout, tables, negated: negated.baseAddress!)
                            Self.copyRows(planes: ch, rows: g.height, width: g.width,
                                          from: work.planes.pointer + g.padLeft, planeStride: layout.inputGradientLength,
                                          rowStride: layout.paddedWidth,
                                          to: dx.pointer + (start + j) * ch * g.inArea, planeStride: g.inArea,
                                          rowStride: g.width)
                        }
                    }
                }
            }
        }
        if slices > 1 { addSlicePartials(slices: slices) }
    }

    /// dX's virtual rows in `work.planes`: one image's dZ planes (from the first unpadded row)
    /// correlated with the channel-swapped weights at the negated shifts.
    private func correlateInputGradient(_ dz: UnsafePointer<Float>, _ work: ShiftedPlaneWorkspace, _ layout: ShiftedPlaneLayout,
                                        _ tables: ShiftedPlaneTables, negated: UnsafePointer<Int>) {
        let g = geometry!
        if let blocking = layout.inputGradientLanes {
            tables.inputGradientPositions.withUnsafeBufferPointer { positions in
                tables.gradientChannelTaps.withUnsafeBufferPointer { channelTaps in
                    FilterLaneConvolution.correlate(
                        input: dz, channelTaps: channelTaps, packed: packedWeights.pointer, outChannels: g.channels,
                        positions: positions, output: work.planes.pointer, outStride: layout.inputGradientLength,
                        blocking: blocking)
                }
            }
        } else {
            ShiftedPlaneConvolution.correlate(
                input: dz, inStride: layout.gradientStride, channels: filters, offsets: negated, taps: g.kernelArea,
                packed: packedWeights.pointer, outChannels: g.channels, output: work.planes.pointer,
                outStride: layout.inputGradientLength, length: layout.inputGradientLength)
        }
    }

    /// Image j of a backward group's dZ planes (after the margin).
    private func gradientPlanes(_ work: ShiftedPlaneWorkspace, _ layout: ShiftedPlaneLayout, _ j: Int) -> UnsafeMutablePointer<Float> {
        work.gradient.pointer + j * layout.imageGradientCount + layout.gradientMargin
    }

    /// dZ of one image (through the activation, or the absorbed pool) into its virtual planes,
    /// and its row sums into db.
    private func spreadGradient(image i: Int, output: Tensor, outputGradient: Tensor, _ layout: ShiftedPlaneLayout,
                                work: ShiftedPlaneWorkspace, into dz: UnsafeMutablePointer<Float>,
                                biasGradient db: UnsafeMutablePointer<Float>?) {
        let g = geometry!, p = g.outArea
        let contiguous = work.contiguous.pointer, image = Chunk(start: i, count: 1, ldc: p)
        if let winners = poolWinners {
            unpoolGradient(image, output: output, outputGradient: outputGradient, winners: winners,
                           masked: work.pooledGradient.pointer, dz: contiguous)
        } else {
            activationGradient(image, output: output, outputGradient: outputGradient, dz: contiguous)
        }
        if let db { for k in 0..<filters { db[k] += Elementwise.sum(contiguous + k * p, count: p) } }
        Self.copyRows(planes: filters, rows: g.outH, width: g.outW, from: contiguous, planeStride: p, rowStride: g.outW,
                      to: dz, planeStride: layout.gradientStride, rowStride: layout.paddedWidth)
    }
}
