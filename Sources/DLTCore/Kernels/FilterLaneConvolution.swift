/// The correlation of `ShiftedPlaneConvolution` (forward's, and dX's), vectorised across output channels
/// instead of pixels, for layers whose junk columns (Wp - OW per row) would be a large share of
/// the virtual rows: a block's output channels sit in AVX registers and each of its pixels is one
/// broadcast input value, so the pixels of a block can be any valid positions and no junk
/// column is computed. Each output is the same chain of fused multiply-adds over (channel, tap)
/// as `ShiftedPlaneConvolution.correlate`'s, so the kernels give the same bits.
public enum FilterLaneConvolution {
    typealias Lanes = SIMD8<Float>

    /// The register block: 12 accumulators either way, as 16 channels x 6 pixels or 32 x 3.
    /// The narrower pixel block pads small planes less (3x3: 9 pixels, not 12) where the
    /// channels fill 32-wide blocks.
    public enum Blocking: Sendable {
        case sixteenBySix
        case thirtyTwoByThree

        public var filters: Int { self == .sixteenBySix ? 16 : 32 }
        public var pixels: Int { self == .sixteenBySix ? 6 : 3 }

        /// Outputs computed for `outChannels` x `pixels`, each rounded up to whole blocks.
        public func work(outChannels: Int, pixels count: Int) -> Int {
            (outChannels + filters - 1) / filters * filters * ((count + pixels - 1) / pixels * pixels)
        }

        /// 32 x 3 where it computes at least a tenth less, else 16 x 6 (a little faster per
        /// output: on 225 pixels it lost the 1 % it saved).
        public static func best(outChannels: Int, pixels: Int) -> Blocking {
            let wide = Blocking.thirtyTwoByThree.work(outChannels: outChannels, pixels: pixels)
            let narrow = Blocking.sixteenBySix.work(outChannels: outChannels, pixels: pixels)
            return 10 * wide <= 9 * narrow ? .thirtyTwoByThree : .sixteenBySix
        }
    }

    /// Each (channel, tap)'s offset in the input, c * inStride + offsets[t], in the packed
    /// weights' order: the kernel then runs one flat loop over them.
    public static func channelTapOffsets(offsets: [Int], channels: Int, inStride: Int) -> [Int] {
        (0..<channels).flatMap { c in offsets.map { c * inStride + $0 } }
    }

    /// What the scatter adds to each sum on its way out: the output channel's bias (nil: none),
    /// then ReLU, the same arithmetic as `Elementwise.addBias`, so a layer can skip that pass.
    public struct Finish {
        public let bias: UnsafePointer<Float>?
        public let relu: Bool
        public static let none = Finish(bias: nil, relu: false)
        public init(bias: UnsafePointer<Float>?, relu: Bool) { self.bias = bias; self.relu = relu }
    }

    /// output[o * outStride + targets[i]] = finish(Σ_k packed(o, k) * input[positions[i] +
    /// channelTaps[k]]) over the (channel, tap) pairs k, for every i (the count of `positions`
    /// a multiple of the blocking's pixels; a repeated position is written twice with the same
    /// value) and o below outChannels; `targets` nil writes at `positions` themselves. `packed`
    /// is `BlockedWeights` with blocks of the blocking's filters.
    public static func correlate(input: UnsafePointer<Float>, channelTaps: UnsafeBufferPointer<Int>,
                                 packed: UnsafePointer<Float>, outChannels: Int, positions: UnsafeBufferPointer<Int>,
                                 targets: UnsafeBufferPointer<Int>? = nil, finish: Finish = .none,
                                 output: UnsafeMutablePointer<Float>, outStride: Int, blocking: Blocking = .sixteenBySix) {
        let block = blocking.filters, pixels = blocking.pixels
        precondition(positions.count % pixels == 0, "positions come in whole blocks of \(pixels)")
        precondition(targets == nil || targets!.count == positions.count, "one target per position")
        let depth = channelTaps.count, places = (targets ?? positions).baseAddress!
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 96) { tile in
            for b in 0..<((outChannels + block - 1) / block) {
                let rows = min(block, outChannels - b * block), weights = packed + b * depth * block
                let bias = finish.bias.map { $0 + b * block }
                for r in Swift.stride(from: 0, to: positions.count, by: pixels) {
                    let at = positions.baseAddress! + r
                    let target = output + b * block * outStride
                    if blocking == .sixteenBySix {
                        correlateSixPixels(input: input, channelTaps: channelTaps.baseAddress!, depth: depth,
                                           packed: weights, positions: at, tile: tile.baseAddress!)
                        scatter(tile: tile.baseAddress!, filters: 16, pixels: 6, rows: rows, places: places + r,
                                bias: bias, relu: finish.relu, output: target, outStride: outStride)
                    } else {
                        correlateThreePixels(input: input, channelTaps: channelTaps.baseAddress!, depth: depth,
                                             packed: weights, positions: at, tile: tile.baseAddress!)
                        scatter(tile: tile.baseAddress!, filters: 32, pixels: 3, rows: rows, places: places + r,
                                bias: bias, relu: finish.relu, output: target, outStride: outStride)
                    }
                }
            }
        }
    }

    /// The tile's (pixel, channel) sums, finished, into the output planes at the block's places
    /// (`filters` and `pixels` constants at each call, so the pixel loop unrolls).
    @inline(__always)
    private static func scatter(tile: UnsafePointer<Float>, filters: Int, pixels: Int, rows: Int,
                                places: UnsafePointer<Int>, bias: UnsafePointer<Float>?, relu: Bool,
                                output: UnsafeMutablePointer<Float>, outStride: Int) {
        guard bias != nil || relu else {
            for j in 0..<rows {
                let plane = output + j * outStride
                for p in 0..<pixels { plane[places[p]] = tile[p * filters + j] }
            }
            return
        }
        for j in 0..<rows {
            // Bias zero when there is none: x + 0 is x (but for -0), as in `Elementwise.addBias`.
            let plane = output + j * outStride, add = bias?[j] ?? 0
            for p in 0..<pixels {
                let v = tile[p * filters + j] + add
                plane[places[p]] = relu && v < 0 ? 0 : v
            }
        }
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>) -> Lanes {
        UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
    }

    /// 16 output channels x 6 pixels, into `tile` as (pixel, channel).
    @inline(__always)
    private static func correlateSixPixels(input: UnsafePointer<Float>, channelTaps: UnsafePointer<Int>, depth: Int,
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
            w += 16
        }
        store(a0, tile); store(b0, tile + 8); store(a1, tile + 16); store(b1, tile + 24)
        store(a2, tile + 32); store(b2, tile + 40); store(a3, tile + 48); store(b3, tile + 56)
        store(a4, tile + 64); store(b4, tile + 72); store(a5, tile + 80); store(b5, tile + 88)
    }

    /// 32 output channels x 3 pixels, into `tile` as (pixel, channel).
    @inline(__always)
    private static func correlateThreePixels(input: UnsafePointer<Float>, channelTaps: UnsafePointer<Int>, depth: Int,
                                             packed: UnsafePointer<Float>, positions: UnsafePointer<Int>,
                                             tile: UnsafeMutablePointer<Float>) {
        let x0 = input + positions[0], x1 = input + positions[1], x2 = input + positions[2]
        var a0 = Lanes(), a1 = Lanes(), a2 = Lanes(), a3 = Lanes()
        var b0 = Lanes(), b1 = Lanes(), b2 = Lanes(), b3 = Lanes()
        var c0 = Lanes(), c1 = Lanes(), c2 = Lanes(), c3 = Lanes()
        var w = packed
        for k in 0..<depth {
            // Three broadcasts and one weight vector at a time: with the 12 sums, 16 registers.
            let offset = channelTaps[k]
            let v0 = Lanes(repeating: x0[offset]), v1 = Lanes(repeating: x1[offset]), v2 = Lanes(repeating: x2[offset])
            var u = load(w); a0.addProduct(v0, u); b0.addProduct(v1, u); c0.addProduct(v2, u)
            u = load(w + 8); a1.addProduct(v0, u); b1.addProduct(v1, u); c1.addProduct(v2, u)
            u = load(w + 16); a2.addProduct(v0, u); b2.addProduct(v1, u); c2.addProduct(v2, u)
            u = load(w + 24); a3.addProduct(v0, u); b3.addProduct(v1, u); c3.addProduct(v2, u)
            w += 32
        }
        store(a0, tile); store(a1, tile + 8); store(a2, tile + 16); store(a3, tile + 24)
        store(b0, tile + 32); store(b1, tile + 40); store(b2, tile + 48); store(b3, tile + 56)
        store(c0, tile + 64); store(c1, tile + 72); store(c2, tile + 80); store(c3, tile + 88)
    }

    @inline(__always)
    private static func store(_ v: Lanes, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self)
    }
}
