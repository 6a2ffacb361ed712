/// The geometry of a 2-D convolution or pooling window over one (C, H, W) image.
/// Padding may be asymmetric (TensorFlow's "same" puts the odd pixel at the bottom/right).
public struct WindowGeometry: Equatable, Sendable {
    public let channels, height, width: Int
    public let kernelH, kernelW: Int
    public let strideH, strideW: Int
    public let padTop, padLeft, padBottom, padRight: Int
    public let dilationH, dilationW: Int
    public let outH, outW: Int

    public init(channels: Int, height: Int, width: Int, kernelH: Int, kernelW: Int,
                strideH: Int, strideW: Int, padTop: Int, padLeft: Int, padBottom: Int, padRight: Int,
                dilationH: Int = 1, dilationW: Int = 1) throws {
        guard kernelH > 0, kernelW > 0 else { throw EngineError("kernel \(kernelH)x\(kernelW) must be positive") }
        guard strideH > 0, strideW > 0 else { throw EngineError("stride \(strideH)x\(strideW) must be positive") }
        guard dilationH > 0, dilationW > 0 else { throw EngineError("dilation \(dilationH)x\(dilationW) must be positive") }
        guard padTop >= 0, padLeft >= 0, padBottom >= 0, padRight >= 0 else { throw EngineError("padding must not be negative") }
        let effectiveH = dilationH * (kernelH - 1) + 1, effectiveW = dilationW * (kernelW - 1) + 1
        let paddedH = height + padTop + padBottom, paddedW = width + padLeft + padRight
        guard effectiveH <= paddedH, effectiveW <= paddedW else {
            throw EngineError("window \(effectiveH)x\(effectiveW) is larger than the padded input \(paddedH)x\(paddedW)")
        }
        self.channels = channels; self.height = height; self.width = width
        self.kernelH = kernelH; self.kernelW = kernelW
        self.strideH = strideH; self.strideW = strideW
        self.padTop = padTop; self.padLeft = padLeft; self.padBottom = padBottom; self.padRight = padRight
        self.dilationH = dilationH; self.dilationW = dilationW
        self.outH = (paddedH - effectiveH) / strideH + 1
        self.outW = (paddedW - effectiveW) / strideW + 1
    }

    /// TensorFlow's "same" padding along one axis: output ceil(size/stride), the odd pixel after.
    public static func samePadding(size: Int, kernel: Int, stride: Int, dilation: Int) -> (before: Int, after: Int) {
        let out = (size + stride - 1) / stride
        let total = max((out - 1) * stride + dilation * (kernel - 1) + 1 - size, 0)
        return (total / 2, total - total / 2)
    }

    public var kernelArea: Int { kernelH * kernelW }
    public var outArea: Int { outH * outW }
    public var inArea: Int { height * width }
    /// Rows of the column matrix: C * kh * kw.
    public var columnRows: Int { channels * kernelH * kernelW }
}

/// im2col and col2im (Caffe's layout): the column matrix of one image has C*kh*kw rows and
/// outH*outW columns; row (c, ki, kj) column (oh, ow) holds image[c, oh*sh - pt + ki*dh, ow*sw - pl + kj*dw]
/// or 0 outside. Rows are `ldc` apart so several images can sit side by side in one matrix.
public enum Im2Col {
    /// image (C, H, W) -> columns (C*kh*kw, outH*outW) at stride ldc.
    public static func imageToColumns(_ image: UnsafePointer<Float>, _ g: WindowGeometry,
                                      columns: UnsafeMutablePointer<Float>, ldc: Int) {
        let outH = g.outH, outW = g.outW, rowStep = g.strideH * g.width, sw = g.strideW
        let end = image + g.channels * g.inArea
        forEachRow(g) { row, inputOffset, rows, cols in
            let dst = columns + row * ldc
            if rows.lowerBound > 0 { dst.update(repeating: 0, count: rows.lowerBound * outW) }
            var src = image + inputOffset
            var out = dst + rows.lowerBound * outW
            for _ in rows {
                if cols.lowerBound > 0 { out.update(repeating: 0, count: cols.lowerBound) }
                let start = out + cols.lowerBound
                gather(start, src, count: cols.count, stride: sw, end: end, room: dst + g.outArea - start)
                if cols.upperBound < outW { (out + cols.upperBound).update(repeating: 0, count: outW - cols.upperBound) }
                src += rowStep; out += outW
            }
            // After the runs: a stride-2 gather may have run over into these.
            if rows.upperBound < outH { (dst + rows.upperBound * outW).update(repeating: 0, count: (outH - rows.upperBound) * outW) }
        }
    }

    /// dst[i] = src[i * stride] for i < count. Stride 2 takes the even lanes of 16 at a time
    /// where those 16 lie before `end` (the image's end), and stores all 8 where the column
    /// row's block has `room`: lanes past `count` land on the rest of the block, which
    /// imageToColumns writes afterwards (this row's zeros, the next rows), so runs shorter
    /// than 8 (a small layer's 4- and 7-wide rows) need no lane-by-lane copy.
    @inline(__always)
    private static func gather(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, count: Int, stride: Int,
                               end: UnsafePointer<Float>, room: Int) {
        if stride == 1 { Elementwise.copyShort(dst, src, count: count); return }
        var i = 0
        if stride == 2 {
            while i < count && (i + 8 <= count || i + 8 <= room) && src + 2 * i + 16 <= end {
                let pair = UnsafeRawPointer(src + 2 * i).loadUnaligned(as: SIMD16<Float>.self)
                UnsafeMutableRawPointer(dst + i).storeBytes(of: pair.evenHalf, as: SIMD8<Float>.self)
                i += 8
            }
        }
        while i < count { dst[i] = src[i * stride]; i += 1 }
    }

    /// Each column row (c, ki, kj) in order: body(row, offset in the image of the input of
    /// (rows.lowerBound, cols.lowerBound), the output rows and columns whose inputs lie inside
    /// the image). The ranges depend on ki and kj only, so they are worked out once per call
    /// (integer divisions for a stride, which per column row were a tenth of a small layer's
    /// unfolding), not once per run: conv2d layers with small outputs have thousands of runs per image.
    @inline(__always)
    private static func forEachRow(_ g: WindowGeometry, _ body: (Int, Int, Range<Int>, Range<Int>) -> Void) {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * (g.kernelH + g.kernelW)) { table in
            // Per ki: first and end output row, input row of the first; then the same per kj.
            let rowsTable = table.baseAddress!, colsTable = rowsTable + 3 * g.kernelH
            fillAxisTable(rowsTable, taps: g.kernelH, dilation: g.dilationH, pad: g.padTop, stride: g.strideH,
                          size: g.height, out: g.outH)
            fillAxisTable(colsTable, taps: g.kernelW, dilation: g.dilationW, pad: g.padLeft, stride: g.strideW,
                          size: g.width, out: g.outW)
            var row = 0
            for c in 0..<g.channels {
                for ki in 0..<g.kernelH {
                    let rows = rowsTable[3 * ki]..<rowsTable[3 * ki + 1]
                    let rowStart = c * g.inArea + rowsTable[3 * ki + 2] * g.width
                    for kj in 0..<g.kernelW {
                        body(row, rowStart + colsTable[3 * kj + 2], rows, colsTable[3 * kj]..<colsTable[3 * kj + 1])
                        row += 1
                    }
                }
            }
        }
    }

    /// For each tap k of one axis: the first and end output index whose input lies inside the
    /// image, and the input index of the first.
    @inline(__always)
    private static func fillAxisTable(_ table: UnsafeMutablePointer<Int>, taps: Int, dilation: Int, pad: Int,
                                      stride: Int, size: Int, out: Int) {
        for k in 0..<taps {
            let offset = k * dilation - pad
            let start = clampedCeilDiv(-offset, stride, out)
            table[3 * k] = start
            table[3 * k + 1] = max(clampedCeilDiv(size - offset, stride, out), start)
            table[3 * k + 2] = start * stride + offset
        }
    }

    /// columns (C*kh*kw, outH*outW) at stride ldc -> image (C, H, W), adding into `image`, in
    /// column-row order, then output row, then output column.
    public static func columnsToImage(_ columns: UnsafePointer<Float>, ldc: Int, _ g: WindowGeometry,
                                      image: UnsafeMutablePointer<Float>) {
        let outW = g.outW, rowStep = g.strideH * g.width, sw = g.strideW
        forEachRow(g) { row, inputOffset, rows, cols in
            var dst = image + inputOffset
            var src = columns + row * ldc + rows.lowerBound * outW + cols.lowerBound
            for _ in rows {
                if sw == 1 {
                    Elementwise.addShort(dst, src, count: cols.count)
                } else {
                    for i in 0..<cols.count { dst[i * sw] += src[i] }
                }
                dst += rowStep; src += outW
            }
        }
    }

    /// The smallest ow >= 0 with ow * stride >= value, clamped to [0, limit].
    @inline(__always)
    private static func clampedCeilDiv(_ value: Int, _ stride: Int, _ limit: Int) -> Int {
        if value <= 0 { return 0 }
        return min((value + stride - 1) / stride, limit)
    }
}
