import DLTCore
import Testing

/// Filter lanes and virtual rows run the same chain of fused multiply-adds for each output, so
/// at every valid position they must agree to the bit (a layer may take either for its forward).
struct FilterLaneConvolutionTests {
    @Test(arguments: [(channels: 3, filters: 20), (channels: 7, filters: 16), (channels: 2, filters: 5), (channels: 4, filters: 40)],
          [FilterLaneConvolution.Blocking.sixteenBySix, .thirtyTwoByThree])
    func agreesWithVirtualRowsBitForBit(shape: (channels: Int, filters: Int), blocking: FilterLaneConvolution.Blocking) {
        let (channels, filters) = shape
        let height = 6, width = 7, kernel = 3, outH = height - kernel + 1, outW = width - kernel + 1
        let taps = kernel * kernel, area = height * width
        let rowLength = (outH * width + ShiftedPlaneConvolution.pixelBlock - 1)
            / ShiftedPlaneConvolution.pixelBlock * ShiftedPlaneConvolution.pixelBlock
        var offsets: [Int] = []
        for kh in 0..<kernel { for kw in 0..<kernel { offsets.append(kh * width + kw) } }
        var random = SeededRandom(seed: 3)
        // Room past the last plane for the virtual rows' junk reads.
        let input = (0..<(channels * area + rowLength + offsets.last!)).map { _ in random.uniform(-1, 1) }
        let weights = (0..<(filters * channels * taps)).map { _ in random.uniform(-1, 1) }
        var positions: [Int] = []
        for oh in 0..<outH { for ow in 0..<outW { positions.append(oh * width + ow) } }
        while positions.count % blocking.pixels != 0 { positions.append(positions.last!) }

        let rowBlocks = (filters + ShiftedPlaneConvolution.channelBlock - 1) / ShiftedPlaneConvolution.channelBlock
        var rows = [Float](repeating: 0, count: rowBlocks * ShiftedPlaneConvolution.channelBlock * rowLength)
        var lanes = [Float](repeating: .nan, count: filters * rowLength)
        let rowBlock = ShiftedPlaneConvolution.channelBlock, laneBlock = blocking.filters
        var rowPacked = [Float](repeating: 0, count: BlockedWeights.count(outChannels: filters, channels: channels, taps: taps, block: rowBlock))
        var lanePacked = [Float](repeating: 0, count: BlockedWeights.count(outChannels: filters, channels: channels, taps: taps, block: laneBlock))
        BlockedWeights.pack(weights, outChannels: filters, channels: channels, taps: taps, block: rowBlock, transposed: false,
                            into: &rowPacked)
        BlockedWeights.pack(weights, outChannels: filters, channels: channels, taps: taps, block: laneBlock, transposed: false,
                            into: &lanePacked)
        ShiftedPlaneConvolution.correlate(input: input, inStride: area, channels: channels, offsets: offsets, taps: taps,
                                          packed: rowPacked, outChannels: filters, output: &rows, outStride: rowLength,
                                          length: rowLength)
        let channelTaps = FilterLaneConvolution.channelTapOffsets(offsets: offsets, channels: channels, inStride: area)
        positions.withUnsafeBufferPointer { p in
            channelTaps.withUnsafeBufferPointer { k in
                FilterLaneConvolution.correlate(input: input, channelTaps: k, packed: lanePacked, outChannels: filters,
                                                positions: p, output: &lanes, outStride: rowLength, blocking: blocking)
            }
        }
        for o in 0..<filters {
            for oh in 0..<outH {
                for ow in 0..<outW {
                    let q = o * rowLength + oh * width + ow
                    #expect(lanes[q].bitPattern == rows[q].bitPattern, "filter \(o) at (\(oh), \(ow))")
                }
            }
        }
        // Written straight into compact OH x OW planes with a bias and ReLU: the same bits as
        // the sums above, then + bias and ReLU (`Elementwise.addBias`'s arithmetic).
        let bias = (0..<filters).map { _ in random.uniform(-0.5, 0.5) }
        var targets: [Int] = []
        for oh in 0..<outH { for ow in 0..<outW { targets.append(oh * outW + ow) } }
        while targets.count < positions.count { targets.append(targets.last!) }
        var finished = [Float](repeating: .nan, count: filters * outH * outW)
        positions.withUnsafeBufferPointer { p in
            targets.withUnsafeBufferPointer { t in
                channelTaps.withUnsafeBufferPointer { k in
                    bias.withUnsafeBufferPointer { b in
                        FilterLaneConvolution.correlate(input: input, channelTaps: k, packed: lanePacked, outChannels: filters,
                                                        positions: p, targets: t, finish: .init(bias: b.baseAddress!, relu: true),
                                                        output: &finished, outStride: outH * outW, blocking: blocking)
                    }
                }
            }
        }
        var written = [Float](repeating: 0, count: outW)
        for o in 0..<filters {
            for oh in 0..<outH {
                let row = Array(lanes[(o * rowLength + oh * width)..<(o * rowLength + oh * width + outW)])
                Elementwise.addBias(&written, row, bias: bias[o], count: outW, relu: true)
                for ow in 0..<outW {
                    #expect(finished[(o * outH + oh) * outW + ow].bitPattern == written[ow].bitPattern,
                            "finished filter \(o) at (\(oh), \(ow))")
                }
            }
        }
        // A direct sum for one output, so that both kernels agreeing on a wrong value would show.
        var expected: Float = 0
        for c in 0..<channels { for t in 0..<taps { expected += weights[(2 * channels + c) * taps + t] * input[c * area + offsets[t] + width + 1] } }
        #expect(abs(lanes[2 * rowLength + width + 1] - expected) < 1e-4)
    }
}
