/// Max pooling with a 2x2 window, stride 2 and no padding (the common case), over whole
/// (H, W) planes, 4 windows at a time. Forward records where each window's maximum is as a
/// code 0...3 (ties to the first in row-major order); backward writes every input gradient
/// once from the codes, without zeroing the plane and scattering into it.
public enum MaxPool2x2 {
    /// y and winners (planes, H/2, W/2) from x (planes, H, W), whose rows are `rowStride` apart
    /// (default: W; wider for a convolution's virtual rows with junk columns at the end). Without
    /// `winners` (inference: no backward reads them) only the maxima are found. With `bias`, y is
    /// max + bias, and with `relu` then clamped at zero: a convolution's epilogue on the pooled
    /// plane (both are monotone, so pooling first gives the same maxima).
    public static func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                               winners: UnsafeMutablePointer<Float>?, planes: Range<Int>, height: Int, width: Int,
                               rowStride: Int? = nil, bias: Float? = nil, relu: Bool = false) {
        let outH = height / 2, outW = width / 2, stride = rowStride ?? width
        guard outW >= 4 else {
            narrowRows(x, planes: planes, height: height, width: width, rowStride: stride) { o, at, best in
                var v = best
                if let bias { v += bias }
                if relu && v < 0 { v = 0 }
                y[o] = v
                winners?[o] = Float(at)
            }
            return
        }
        let shift = SIMD4<Float>(repeating: bias ?? 0), zero = SIMD4<Float>()
        for plane in planes {
            let src = x + plane * height * stride, first = plane * outH * outW
            for oh in 0..<outH {
                let top = src + 2 * oh * stride, bottom = top + stride, row = first + oh * outW
                forEachStart(outW) { ow in
                    var best: SIMD4<Float>
                    if let winners {
                        let w = Windows(top + 2 * ow, bottom + 2 * ow)
                        UnsafeMutableRawPointer(winners + row + ow).storeBytes(of: w.winner, as: SIMD4<Float>.self)
                        best = w.maximum
                    } else {
                        best = maxima(top + 2 * ow, bottom + 2 * ow)
                    }
                    if bias != nil { best += shift }
                    if relu { best.replace(with: zero, where: best .< zero) }
                    UnsafeMutableRawPointer(y + row + ow).storeBytes(of: best, as: SIMD4<Float>.self)
                }
            }
        }
    }

    /// Four windows' maxima, with `Windows`' comparisons (so the same bits) and no winners.
    @inline(__always)
    private static func maxima(_ top: UnsafePointer<Float>, _ bottom: UnsafePointer<Float>) -> SIMD4<Float> {
        let t = UnsafeRawPointer(top).loadUnaligned(as: SIMD8<Float>.self)
        let b = UnsafeRawPointer(bottom).loadUnaligned(as: SIMD8<Float>.self)
        var best = t.evenHalf
        let tr = t.oddHalf, bl = b.evenHalf, br = b.oddHalf
        best.replace(with: tr, where: tr .> best)
        best.replace(with: bl, where: bl .> best)
        best.replace(with: br, where: br .> best)
        return best
    }

    /// dx (planes, H, W) from dy and forward's winners (planes, H/2, W/2). A last odd row or
    /// column, outside every window, gets zero.
    public static func backward(winners: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>,
                                planes: Range<Int>, height: Int, width: Int) {
        let outH = height / 2, outW = width / 2
        let zero = SIMD4<Float>()
        for plane in planes {
            let first = plane * outH * outW
            let dst = dx + plane * height * width
            for oh in 0..<outH {
                let row = first + oh * outW
                let dTop = dst + 2 * oh * width, dBottom = dTop + width
                if outW < 4 {
                    for ow in 0..<outW {
                        let at = winners[row + ow], gy = dy[row + ow], c = 2 * ow
                        dTop[c] = at == 0 ? gy : 0
                        dTop[c + 1] = at == 1 ? gy : 0
                        dBottom[c] = at == 2 ? gy : 0
                        dBottom[c + 1] = at == 3 ? gy : 0
                    }
                } else {
                    forEachStart(outW) { ow in
                        let at = UnsafeRawPointer(winners + row + ow).loadUnaligned(as: SIMD4<Float>.self)
                        let gy = UnsafeRawPointer(dy + row + ow).loadUnaligned(as: SIMD4<Float>.self)
                        let upper = interleave(zero.replacing(with: gy, where: at .== 0), zero.replacing(with: gy, where: at .== 1))
                        let lower = interleave(zero.replacing(with: gy, where: at .== 2), zero.replacing(with: gy, where: at .== 3))
                        UnsafeMutableRawPointer(dTop + 2 * ow).storeBytes(of: upper, as: SIMD8<Float>.self)
                        UnsafeMutableRawPointer(dBottom + 2 * ow).storeBytes(of: lower, as: SIMD8<Float>.self)
                    }
                }
                if width % 2 == 1 { dTop[width - 1] = 0; dBottom[width - 1] = 0 }
            }
            if height % 2 == 1 { (dst + (height - 1) * width).update(repeating: 0, count: width) }
        }
    }

    /// Rows of fewer than 4 windows, one window at a time: body(output index, where the maximum
    /// is (0 top-left ... 3 bottom-right), the maximum).
    private static func narrowRows(_ x: UnsafePointer<Float>, planes: Range<Int>, height: Int, width: Int,
                                   rowStride: Int, _ body: (Int, Int, Float) -> Void) {
        let outH = height / 2, outW = width / 2
        for plane in planes {
            for oh in 0..<outH {
                let top = x + plane * height * rowStride + 2 * oh * rowStride, bottom = top + rowStride
                for ow in 0..<outW {
                    let c = 2 * ow
                    var best = top[c], at = 0
                    if top[c + 1] > best { best = top[c + 1]; at = 1 }
                    if bottom[c] > best { best = bottom[c]; at = 2 }
                    if bottom[c + 1] > best { best = bottom[c + 1]; at = 3 }
                    body((plane * outH + oh) * outW + ow, at, best)
                }
            }
        }
    }

    /// Calls `body(ow)` every 4 windows of a row of `outW` (at least 4); the last call ends at
    /// the row's end, overlapping the one before (both write the same values).
    @inline(__always)
    private static func forEachStart(_ outW: Int, _ body: (Int) -> Void) {
        var ow = 0
        while true {
            let start = min(ow, outW - 4)
            body(start)
            if start == outW - 4 { return }
            ow += 4
        }
    }

    /// (a0, b0, a1, b1, ...): lane by lane, which compiles to two unpack instructions (the
    /// evenHalf/oddHalf setters compiled to scalar moves).
    @inline(__always)
    private static func interleave(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMD8<Float> {
        SIMD8(a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3])
    }

    /// Four windows side by side: the comparisons of a scalar loop, lane by lane, so the
    /// data-dependent winner costs selects instead of mispredicted branches.
    private struct Windows {
        let maximum: SIMD4<Float>
        /// Where each maximum is: 0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right. Floats
        /// picked with compares: combining SIMDMasks with .& and .! compiled to scalar code per lane.
        let winner: SIMD4<Float>

        @inline(__always)
        init(_ top: UnsafePointer<Float>, _ bottom: UnsafePointer<Float>) {
            let t = UnsafeRawPointer(top).loadUnaligned(as: SIMD8<Float>.self)
            let b = UnsafeRawPointer(bottom).loadUnaligned(as: SIMD8<Float>.self)
            var best = t.evenHalf, at = SIMD4<Float>()
            let tr = t.oddHalf, bl = b.evenHalf, br = b.oddHalf
            var wins = tr .> best
            best.replace(with: tr, where: wins); at.replace(with: 1, where: wins)
            wins = bl .> best
            best.replace(with: bl, where: wins); at.replace(with: 2, where: wins)
            wins = br .> best
            best.replace(with: br, where: wins); at.replace(with: 3, where: wins)
            maximum = best
            winner = at
        }
    }
}
