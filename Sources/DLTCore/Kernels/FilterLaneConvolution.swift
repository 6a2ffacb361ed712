/// The correlation of `ShiftedPlaneConvolution` (forward's, and dX's), vectorised across output channels
/// instead of pixels, for layers whose junk columns (Wp - OW per row) would be a large share of
/// the virtual rows: 16 output channels sit in two AVX registers and each of 6 pixels is one
/// broadcast input value, so the pixels of a block can be any 6 valid positions and no junk
/// column is computed. Each output is the same chain of fused multiply-adds over (channel, tap)
/// as `ShiftedPlaneConvolution.correlate`'s, so the two kernels give the same bits.
public enum FilterLaneConvolution {
    public static let filterBlock = 16
    public static let pixelBlock = 6
    typealias Lanes = SIMD8<Float>

    static func blockCount(_ outChannels: Int) -> Int { (outChannels + filterBlock - 1) / filterBlock }

    /// Each (channel, tap)'s offset in the input, c * inStride + offsets[t], in the packed
    /// weights' order: the kernel then runs one flat loop over them.
    public static func channelTapOffsets(offsets: [Int], channels: Int, inStride: Int) -> [Int] {
        (0..<channels).flatMap { c in offsets.map { c * inStride + $0 } }
    }

    /// output[o * outStride + q] = Σ_k packed(o, k) * input[q + channelTaps[k]] over the
    /// (channel, tap) pairs k, for every q in `positions` (its count a multiple of 6; a repeated
    /// position is written twice with the same value) and o below outChannels; `packed` is
    /// `BlockedWeights` with blocks of `filterBlock`.
    public static func correlate(input: UnsafePointer<Float>, channelTaps: UnsafeBufferPointer<Int>,
                                 packed: UnsafePointer<Float>, outChannels: Int, positions: UnsafeBufferPointer<Int>,
                                 output: UnsafeMutablePointer<Float>, outStride: Int) {
        precondition(positions.count % pixelBlock == 0, "positions come in whole blocks of \(pixelBlock)")
        let depth = channelTaps.count
        withUnsafeTemporaryAllocation(of: Float.self, capacity: pixelBlock * filterBlock) { tile in
            for b in 0..<blockCount(outChannels) {
                let rows = min(filterBlock, outChannels - b * filterBlock)
                for r in Swift.stride(from: 0, to: positions.count, by: pixelBlock) {
                    let block = positions.baseAddress! + r
                    correlateBlock(input: input, channelTaps: channelTaps.baseAddress!, depth: depth,
                                   packed: packed + b * depth * filterBlock, positions: block, tile: tile.baseAddress!)
                    scatter(tile: tile.baseAddress!, rows: rows, positions: block,
                            output: output + b * filterBlock * outStride, outStride: outStride)
                }
            }
        }
    }

    /// The tile's (pixel, channel) sums into the output planes at the block's positions.
    @inline(__always)
    private static func scatter(tile: UnsafePointer<Float>, rows: Int, positions: UnsafePointer<Int>,
                                output: UnsafeMutablePointer<Float>, outStride: Int) {
        let q0 = positions[0], q1 = positions[1], q2 = positions[2]
        let q3 = positions[3], q4 = positions[4], q5 = positions[5]
        for j in 0..<rows {
            let plane = output + j * outStride
            plane[q0] = tile[j]; plane[q1] = tile[filterBlock + j]; plane[q2] = tile[2 * filterBlock + j]
            plane[q3] = tile[3 * filterBlock + j]; plane[q4] = tile[4 * filterBlock + j]; plane[q5] = tile[5 * filterBlock + j]
        }
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>) -> Lanes {
        UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
    }

    /// 16 output channels x 6 pixels, into `tile` as (pixel, channel).
    @inline(__always)
    private static func correlateBlock(input: UnsafePointer<Float>, channelTaps: UnsafePointer<Int>, depth: Int,
                                       packed: UnsafePointer<Float>, positions: UnsafePointer<Int>,
                                       tile: UnsafeMutablePointer<Float>) {
        let x0 = input + positions[0], x1 = input + positions[1], x2 = input + positions[2]
        let x3 = input + positions[3], x4 = input + positions[4], x5 = input + positions[5]
        var a0 = Lanes(), b0 = Lanes(), a1 = Lanes(), b1 = Lanes(), a2 = Lanes(), b2 = Lanes()
        var a3 = Lanes(), b3 = Lanes(), a4 = Lanes(), b4 = Lanes(), a5 = Lanes(), b5 = Lanes()
        var w = packed
        for k in 0..<depth {
            let offset = channelTaps[k]
            let low = load(w), high = load(w + 8)
            var v = Lanes(repeating: x0[offset]); a0.addProduct(v, low); b0.addProduct(v, high)
            v = Lanes(repeating: x1[offset]); a1.addProduct(v, low); b1.addProduct(v, high)
            v = Lanes(repeating: x2[offset]); a2.addProduct(v, low); b2.addProduct(v, high)
            v = Lanes(repeating: x3[offset]); a3.addProduct(v, low); b3.addProduct(v, high)
            v = Lanes(repeating: x4[offset]); a4.addProduct(v, low); b4.addProduct(v, high)
            v = Lanes(repeating: x5[offset]); a5.addProduct(v, low); b5.addProduct(v, high)
            w += filterBlock
        }
        store(a0, tile); store(b0, tile + 8); store(a1, tile + 16); store(b1, tile + 24)
        store(a2, tile + 32); store(b2, tile + 40); store(a3, tile + 48); store(b3, tile + 56)
        store(a4, tile + 64); store(b4, tile + 72); store(a5, tile + 80); store(b5, tile + 88)
    }

    @inline(__always)
    private static func store(_ v: Lanes, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self)
    }
}
