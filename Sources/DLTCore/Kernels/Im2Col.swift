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
        if g.strideH == 1 && g.strideW == 1 && g.dilationH == 1 && g.dilationW == 1 {
            unitStrideImageToColumns(image, g, columns: columns, ldc: ldc)
            return
        }
        var row = 0
        for c in 0..<g.channels {
            let plane = image + c * g.inArea
            for ki in 0..<g.kernelH {
                for kj in 0..<g.kernelW {
                    let dst = columns + row * ldc
                    let rowOffset = ki * g.dilationH - g.padTop
                    let colOffset = kj * g.dilationW - g.padLeft
                    // Output columns whose input column lies inside the image: ow in [owStart, owEnd).
                    let owStart = clampedCeilDiv(-colOffset, g.strideW, g.outW)
                    let owEnd = clampedCeilDiv(g.width - colOffset, g.strideW, g.outW)
                    for oh in 0..<g.outH {
                        let ih = oh * g.strideH + rowOffset
                        let out = dst + oh * g.outW
                        if ih < 0 || ih >= g.height || owStart >= owEnd {
                            out.update(repeating: 0, count: g.outW)
                            continue
                        }
                        if owStart > 0 { out.update(repeating: 0, count: owStart) }
                        let src = plane + ih * g.width + colOffset
                        if g.strideW == 1 {
                            Elementwise.copyShort(out + owStart, src + owStart, count: owEnd - owStart)
                        } else {
                            var ow = owStart
                            while ow < owEnd { out[ow] = src[ow * g.strideW]; ow += 1 }
                        }
                        if owEnd < g.outW { (out + owEnd).update(repeating: 0, count: g.outW - owEnd) }
                    }
                    row += 1
                }
            }
        }
    }

    /// imageToColumns for stride 1 and dilation 1, the common case: each column row is outH runs
    /// of the same length, one image row apart, so the bounds are worked out once per row rather
    /// than once per run (conv2d layers with small outputs have thousands of runs per image).
    private static func unitStrideImageToColumns(_ image: UnsafePointer<Float>, _ g: WindowGeometry,
                                                 columns: UnsafeMutablePointer<Float>, ldc: Int) {
        let outH = g.outH, outW = g.outW, width = g.width
        forEachUnitStrideRow(g) { row, inputOffset, rows, cols in
            let dst = columns + row * ldc
            if rows.lowerBound > 0 { dst.update(repeating: 0, count: rows.lowerBound * outW) }
            if rows.upperBound < outH { (dst + rows.upperBound * outW).update(repeating: 0, count: (outH - rows.upperBound) * outW) }
            var src = image + inputOffset
            var out = dst + rows.lowerBound * outW
            if cols.count == outW {
                for _ in rows { Elementwise.copyShort(out, src, count: outW); src += width; out += outW }
            } else {
                for _ in rows {
                    if cols.lowerBound > 0 { out.update(repeating: 0, count: cols.lowerBound) }
                    Elementwise.copyShort(out + cols.lowerBound, src, count: cols.count)
                    if cols.upperBound < outW { (out + cols.upperBound).update(repeating: 0, count: outW - cols.upperBound) }
                    src += width; out += outW
                }
            }
        }
    }

    /// For stride 1 and dilation 1, each column row (c, ki, kj) in order: body(row, offset in the
    /// image of the input of (rows.lowerBound, cols.lowerBound), the output rows and columns
    /// whose inputs lie inside the image).
    @inline(__always)
    private static func forEachUnitStrideRow(_ g: WindowGeometry, _ body: (Int, Int, Range<Int>, Range<Int>) -> Void) {
        let outH = g.outH, outW = g.outW
        var row = 0
        for c in 0..<g.channels {
            for ki in 0..<g.kernelH {
                let ohStart = min(max(g.padTop - ki, 0), outH), ohEnd = max(min(g.height + g.padTop - ki, outH), ohStart)
                for kj in 0..<g.kernelW {
                    let owStart = min(max(g.padLeft - kj, 0), outW), owEnd = max(min(g.width + g.padLeft - kj, outW), owStart)
                    let offset = c * g.inArea + (ohStart + ki - g.padTop) * g.width + (owStart + kj - g.padLeft)
                    body(row, offset, ohStart..<ohEnd, owStart..<owEnd)
                    row += 1
                }
            }
        }
    }

    /// columns (C*kh*kw, outH*outW) at stride ldc -> image (C, H, W), adding into `image`.
    public static func columnsToImage(_ columns: UnsafePointer<Float>, ldc: Int, _ g: WindowGeometry,
                                      image: UnsafeMutablePointer<Float>) {
        if g.strideH == 1 && g.strideW == 1 && g.dilationH == 1 && g.dilationW == 1 {
            unitStrideColumnsToImage(columns, ldc: ldc, g, image: image)
            return
        }
        var row = 0
        for c in 0..<g.channels {
            let plane = image + c * g.inArea
            for ki in 0..<g.kernelH {
                for kj in 0..<g.kernelW {
                    let src = columns + row * ldc
                    let rowOffset = ki * g.dilationH - g.padTop
                    let colOffset = kj * g.dilationW - g.padLeft
                    let owStart = clampedCeilDiv(-colOffset, g.strideW, g.outW)
                    let owEnd = clampedCeilDiv(g.width - colOffset, g.strideW, g.outW)
                    if owStart < owEnd {
                        for oh in 0..<g.outH {
                            let ih = oh * g.strideH + rowOffset
                            if ih < 0 || ih >= g.height { continue }
                            let dst = plane + ih * g.width + colOffset
                            let col = src + oh * g.outW
                            if g.strideW == 1 {
                                Elementwise.addShort(dst + owStart, col + owStart, count: owEnd - owStart)
                            } else {
                                var ow = owStart
                                while ow < owEnd { dst[ow * g.strideW] += col[ow]; ow += 1 }
                            }
                        }
                    }
                    row += 1
                }
            }
        }
    }

    /// columnsToImage for stride 1 and dilation 1 (see `unitStrideImageToColumns`).
    private static func unitStrideColumnsToImage(_ columns: UnsafePointer<Float>, ldc: Int, _ g: WindowGeometry,
                                                 image: UnsafeMutablePointer<Float>) {
        let outW = g.outW, width = g.width
        forEachUnitStrideRow(g) { row, inputOffset, rows, cols in
            var dst = image + inputOffset
            var src = columns + row * ldc + rows.lowerBound * outW + cols.lowerBound
            for _ in rows { Elementwise.addShort(dst, src, count: cols.count); dst += width; src += outW }
        }
    }

    /// The smallest ow >= 0 with ow * stride >= value, clamped to [0, limit].
    @inline(__always)
    private static func clampedCeilDiv(_ value: Int, _ stride: Int, _ limit: Int) -> Int {
        if value <= 0 { return 0 }
        return min((value + stride - 1) / stride, limit)
    }
}
