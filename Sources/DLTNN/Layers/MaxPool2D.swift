import DLTCore

/// Max pooling, PyTorch's nn.MaxPool2d (padding counts as -infinity, floor output size).
/// x (N, C, H, W) -> y (N, C, OH, OW). Forward records where each maximum came from, so
/// backward routes each output gradient to exactly that input.
public final class MaxPool2D: Layer {
    public let name: String
    public var typeName: String { "maxpool2d" }
    public let size: (Int, Int)
    public let stride: (Int, Int)
    public let padding: Padding
    public private(set) var geometry: WindowGeometry!
    public var parameters: [Parameter] { [] }
    /// Index within its (H, W) plane of each output's maximum: (N, C, OH, OW).
    private var argmax = UnsafeMutableBufferPointer<Int32>.allocate(capacity: 0)

    public init(name: String, size: (Int, Int), stride: (Int, Int)? = nil, padding: Padding = .valid) {
        self.name = name; self.size = size; self.stride = stride ?? size; self.padding = padding
    }

    deinit { argmax.deallocate() }

    public func build(inputShapes: [Shape]) throws -> Shape {
        geometry = try poolingGeometry(inputShapes, size: size, stride: stride, padding: padding)
        return [geometry.channels, geometry.outH, geometry.outW]
    }

    public var flopsPerSample: Int { geometry.channels * geometry.outArea * geometry.kernelArea }

    public func forward(inputs: [Tensor], output: Tensor, context: LayerContext) {
        let x = inputs[0], g = geometry!
        let n = x.shape[0]
        if argmax.count < output.count {
            argmax.deallocate()
            argmax = .allocate(capacity: output.count)
        }
        let indices = argmax.baseAddress!
        let isPlain2x2 = g.kernelH == 2 && g.kernelW == 2 && g.strideH == 2 && g.strideW == 2 && g.padTop == 0 && g.padLeft == 0
        context.split.forEachSlice(of: n * g.channels) { _, planes in
            if isPlain2x2 {
                MaxPool2D.forward2x2(x.pointer, output.pointer, indices, planes: planes, g)
                return
            }
            for plane in planes {
                let src = x.pointer + plane * g.inArea
                let dst = output.pointer + plane * g.outArea
                let idx = indices + plane * g.outArea
                for oh in 0..<g.outH {
                    let h0 = oh * g.strideH - g.padTop
                    let hs = max(h0, 0), he = min(h0 + g.kernelH, g.height)
                    for ow in 0..<g.outW {
                        let w0 = ow * g.strideW - g.padLeft
                        let ws = max(w0, 0), we = min(w0 + g.kernelW, g.width)
                        var best = -Float.infinity, bestIndex = hs * g.width + ws
                        for h in hs..<he {
                            let row = src + h * g.width
                            for w in ws..<we where row[w] > best {
                                best = row[w]; bestIndex = h * g.width + w
                            }
                        }
                        dst[oh * g.outW + ow] = best
                        idx[oh * g.outW + ow] = Int32(bestIndex)
                    }
                }
            }
        }
    }

    /// The common 2x2 stride-2 window without padding: four loads, no bounds checks.
    /// Ties go to the first maximum in row-major order, as in the general loop.
    private static func forward2x2(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                                   _ indices: UnsafeMutablePointer<Int32>, planes: Range<Int>, _ g: WindowGeometry) {
        let w = g.width
        for plane in planes {
            let src = x + plane * g.inArea
            let dst = y + plane * g.outArea
            let idx = indices + plane * g.outArea
            for oh in 0..<g.outH {
                let top = src + 2 * oh * w, bottom = top + w
                let rowBase = 2 * oh * w
                for ow in 0..<g.outW {
                    let c = 2 * ow
                    var best = top[c], at = rowBase + c
                    if top[c + 1] > best { best = top[c + 1]; at = rowBase + c + 1 }
                    if bottom[c] > best { best = bottom[c]; at = rowBase + w + c }
                    if bottom[c + 1] > best { best = bottom[c + 1]; at = rowBase + w + c + 1 }
                    dst[oh * g.outW + ow] = best
                    idx[oh * g.outW + ow] = Int32(at)
                }
            }
        }
    }

    public func backward(inputs: [Tensor], output: Tensor, outputGradient: Tensor,
                         inputGradients: [Tensor?], context: LayerContext) {
        guard let dx = inputGradients[0] else { return }
        let g = geometry!, n = inputs[0].shape[0]
        let indices = argmax.baseAddress!
        context.split.forEachSlice(of: n * g.channels) { _, planes in
            for plane in planes {
                let dst = dx.pointer + plane * g.inArea
                dst.update(repeating: 0, count: g.inArea)
                let gy = outputGradient.pointer + plane * g.outArea
                let idx = indices + plane * g.outArea
                for o in 0..<g.outArea { dst[Int(idx[o])] += gy[o] }
            }
        }
    }
}
