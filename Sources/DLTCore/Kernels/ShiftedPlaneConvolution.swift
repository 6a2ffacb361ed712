/// Stride-1 convolution without an unfolded column matrix, for the few-channel layers where
/// sgemm's small M (the filters) or small K (backward's dColumns = W^T dZ) runs far below peak.
///
/// Each image is copied into a zero-bordered plane of width `Wp` (the padded width). In that
/// plane, output pixel q = oh * Wp + ow reads input q + offset(tap) with offset = kh * Wp + kw
/// for every tap, so a whole plane is one 1-D correlation with `taps` fixed shifts: pixels
/// vectorise across row ends, and the Wp - OW columns past each row's end are junk that the
/// caller skips. Blocks of 4 output channels x 24 pixels stay in 12 AVX registers while the
/// loop runs over input channels and taps (the register blocking of a direct convolution).
///
/// Lengths are multiples of `pixelBlock`; buffers hold that many pixels plus the largest
/// shift beyond every plane, with finite values there (junk outputs only read them).
public enum ShiftedPlaneConvolution {
    public static let pixelBlock = 24
    public static let channelBlock = 4
    typealias Lanes = SIMD8<Float>

    /// output[o * outStride + q] = Σ_c Σ_t packed(o, c, t) * input[c * inStride + q + offsets[t]]
    /// for q in 0..<length and o below outChannels rounded up to 4 (the padded rows get zeros);
    /// `packed` is `BlockedWeights` with blocks of `channelBlock`.
    public static func correlate(input: UnsafePointer<Float>, inStride: Int, channels: Int,
                                 offsets: UnsafePointer<Int>, taps: Int, packed: UnsafePointer<Float>,
                                 outChannels: Int, output: UnsafeMutablePointer<Float>, outStride: Int, length: Int) {
        let blocks = (outChannels + channelBlock - 1) / channelBlock
        var q = 0
        while q < length {
            for b in 0..<blocks {
                correlateBlock(input: input + q, inStride: inStride, channels: channels, offsets: offsets, taps: taps,
                               packed: packed + b * channels * taps * channelBlock,
                               output: output + b * channelBlock * outStride + q, outStride: outStride)
            }
            q += pixelBlock
        }
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>) -> Lanes {
        UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
    }

    @inline(__always)
    private static func store(_ v: Lanes, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self)
    }

    /// 4 output channels x 24 pixels.
    @inline(__always)
    private static func correlateBlock(input: UnsafePointer<Float>, inStride: Int, channels: Int,
                                       offsets: UnsafePointer<Int>, taps: Int, packed: UnsafePointer<Float>,
                                       output: UnsafeMutablePointer<Float>, outStride: Int) {
        var a00 = Lanes(), a01 = Lanes(), a02 = Lanes()
        var a10 = Lanes(), a11 = Lanes(), a12 = Lanes()
        var a20 = Lanes(), a21 = Lanes(), a22 = Lanes()
        var a30 = Lanes(), a31 = Lanes(), a32 = Lanes()
        var w = packed
        for c in 0..<channels {
            let plane = input + c * inStride
            for t in 0..<taps {
                let x = plane + offsets[t]
                let x0 = load(x), x1 = load(x + 8), x2 = load(x + 16)
                let w0 = Lanes(repeating: w[0]), w1 = Lanes(repeating: w[1])
                let w2 = Lanes(repeating: w[2]), w3 = Lanes(repeating: w[3])
                a00.addProduct(x0, w0); a01.addProduct(x1, w0); a02.addProduct(x2, w0)
                a10.addProduct(x0, w1); a11.addProduct(x1, w1); a12.addProduct(x2, w1)
                a20.addProduct(x0, w2); a21.addProduct(x1, w2); a22.addProduct(x2, w2)
                a30.addProduct(x0, w3); a31.addProduct(x1, w3); a32.addProduct(x2, w3)
                w += channelBlock
            }
        }
        store(a00, output); store(a01, output + 8); store(a02, output + 16)
        let o1 = output + outStride, o2 = o1 + outStride, o3 = o2 + outStride
        store(a10, o1); store(a11, o1 + 8); store(a12, o1 + 16)
        store(a20, o2); store(a21, o2 + 8); store(a22, o2 + 16)
        store(a30, o3); store(a31, o3 + 8); store(a32, o3 + 16)
    }

    /// Where dW reads a group of images: image i's dZ plane o at gradient + i * gradImageStride +
    /// o * gradStride, its padded input channel c at input + i * inImageStride + c * inStride.
    public struct WeightGradientSource {
        public let gradient: UnsafePointer<Float>, gradStride: Int, gradImageStride: Int
        public let input: UnsafePointer<Float>, inStride: Int, inImageStride: Int
        public let images: Int

        public init(gradient: UnsafePointer<Float>, gradStride: Int, gradImageStride: Int,
                    input: UnsafePointer<Float>, inStride: Int, inImageStride: Int, images: Int) {
            self.gradient = gradient; self.gradStride = gradStride; self.gradImageStride = gradImageStride
            self.input = input; self.inStride = inStride; self.inImageStride = inImageStride; self.images = images
        }
    }

    /// dW[(o * channels + c) * taps + t] += Σ_images Σ_q dZ(o, q) * input(c, q + offsets[t]) over
    /// q in 0..<length (a multiple of 8; dZ is zero at junk pixels). Each sum runs in 8 lanes over
    /// the whole group before one horizontal add (short planes would otherwise spend their time
    /// in horizontal adds), in a fixed order, so it is the same for the same inputs.
    public static func accumulateWeightGradient(_ source: WeightGradientSource, outChannels: Int, channels: Int,
                                                offsets: UnsafePointer<Int>, taps: Int, length: Int,
                                                weightGradient: UnsafeMutablePointer<Float>) {
        var o = 0
        while o < outChannels {
            let rows = min(channelBlock, outChannels - o)
            for c in 0..<channels {
                var t = 0
                while t < taps {
                    let width = min(3, taps - t)
                    weightGradientBlock(source, firstRow: o, rows: rows, channel: c, offsets: offsets + t, width: width,
                                        length: length, target: weightGradient + (o * channels + c) * taps + t,
                                        targetStride: channels * taps)
                    t += width
                }
            }
            o += rows
        }
    }

    /// Up to 4 gradient rows x up to 3 taps; absent rows and taps repeat the first and are not written.
    @inline(__always)
    private static func weightGradientBlock(_ s: WeightGradientSource, firstRow: Int, rows: Int, channel: Int,
                                            offsets: UnsafePointer<Int>, width: Int, length: Int,
                                            target: UnsafeMutablePointer<Float>, targetStride: Int) {
        let r1 = rows > 1 ? s.gradStride : 0, r2 = rows > 2 ? 2 * s.gradStride : 0, r3 = rows > 3 ? 3 * s.gradStride : 0
        let t0 = offsets[0], t1 = offsets[width > 1 ? 1 : 0], t2 = offsets[width > 2 ? 2 : 0]
        var a00 = Lanes(), a01 = Lanes(), a02 = Lanes()
        var a10 = Lanes(), a11 = Lanes(), a12 = Lanes()
        var a20 = Lanes(), a21 = Lanes(), a22 = Lanes()
        var a30 = Lanes(), a31 = Lanes(), a32 = Lanes()
        for image in 0..<s.images {
            let g0 = s.gradient + image * s.gradImageStride + firstRow * s.gradStride
            let g1 = g0 + r1, g2 = g0 + r2, g3 = g0 + r3
            let x = s.input + image * s.inImageStride + channel * s.inStride
            let x0 = x + t0, x1 = x + t1, x2 = x + t2
            var q = 0
            while q < length {
                let v0 = load(x0 + q), v1 = load(x1 + q), v2 = load(x2 + q)
                let d0 = load(g0 + q), d1 = load(g1 + q), d2 = load(g2 + q), d3 = load(g3 + q)
                a00.addProduct(d0, v0); a01.addProduct(d0, v1); a02.addProduct(d0, v2)
                a10.addProduct(d1, v0); a11.addProduct(d1, v1); a12.addProduct(d1, v2)
                a20.addProduct(d2, v0); a21.addProduct(d2, v1); a22.addProduct(d2, v2)
                a30.addProduct(d3, v0); a31.addProduct(d3, v1); a32.addProduct(d3, v2)
                q += 8
            }
        }
        addSums(a00, a01, a02, width: width, into: target)
        if rows > 1 { addSums(a10, a11, a12, width: width, into: target + targetStride) }
        if rows > 2 { addSums(a20, a21, a22, width: width, into: target + 2 * targetStride) }
        if rows > 3 { addSums(a30, a31, a32, width: width, into: target + 3 * targetStride) }
    }

    @inline(__always)
    private static func addSums(_ a: Lanes, _ b: Lanes, _ c: Lanes, width: Int, into target: UnsafeMutablePointer<Float>) {
        target[0] += a.sum()
        if width > 1 { target[1] += b.sum() }
        if width > 2 { target[2] += c.sum() }
    }
}

extension SIMD8<Float> {
    /// self += a * b as one fused multiply-add per lane.
    @inline(__always)
    mutating func addProduct(_ a: SIMD8<Float>, _ b: SIMD8<Float>) {
        self = self.addingProduct(a, b)
    }
}
