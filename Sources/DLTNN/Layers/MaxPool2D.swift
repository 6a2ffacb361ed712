import DLTCore

/// Max pooling, PyTorch's nn.MaxPool2d (padding counts as -infinity, floor output size).
/// x (N, C, H, W) -> y (N, C, OH, OW). Forward records where each maximum came from, so
/// backward routes each output gradient to exactly that input (the common 2x2 stride-2 window
/// without padding has its own vectorised kernel, `MaxPool2x2`).
public final class MaxPool2D: FusibleLayer {
    public let name: String
    public var typeName: String { "maxpool2d" }
    public let size: (Int, Int)
    public let stride: (Int, Int)
    public let padding: Padding
    public private(set) var geometry: WindowGeometry!
    /// The common 2x2 window, stride 2, no padding, served by `MaxPool2x2`.
    public private(set) var isPlain2x2 = false
    /// The 2x2 kernel's record of each window's winner (0...3), (N, C, OH, OW).
    private let winners = Tensor(shape: [0])
    public var parameters: [Parameter] { [] }
    /// Index within its (H, W) plane of each output's maximum: (N, C, OH, OW).
    private var argmax = UnsafeMutableBufferPointer<Int32>.allocate(capacity: 0)

    public init(name: String, size: (Int, Int), stride: (Int, Int)? = nil, padding: Padding = .valid) {
        self.name = name; self.size = size; self.stride = stride ?? size; self.padding = padding
    }

    deinit { argmax.deallocate() }

    public func build(inputShapes: [Shape]) throws -> Shape {
        geometry = try poolingGeometry(inputShapes, size: size, stride: stride, padding: padding)
        let g = geometry!
        isPlain2x2 = g.kernelH == 2 && g.kernelW == 2 && g.strideH == 2 && g.strideW == 2
            && g.padTop == 0 && g.padLeft == 0 && g.padBottom == 0 && g.padRight == 0
        return [geometry.channels, geometry.outH, geometry.outW]
    }

    public var fusibleOperation: FusibleOperation? { isPlain2x2 ? .maxPool2x2 : nil }

    public var flopsPerSample: Int { geometry.channels * geometry.outArea * geometry.kernelArea }

    public func forward(inputs: [Tensor], output: Tensor, context: LayerContext) {
        let x = inputs[0], g = geometry!
        let n = x.shape[0]
        if isPlain2x2 {
            if !context.inferenceOnly { winners.resize(to: output.shape) }
            let winners = context.inferenceOnly ? nil : self.winners.pointer
            context.split.forEachSlice(of: n * g.channels) { _, planes in
                MaxPool2x2.forward(x.pointer, output.pointer, winners: winners, planes: planes,
                                   height: g.height, width: g.width)
            }
            return
        }
        if argmax.count < output.count {
            argmax.deallocate()
            argmax = .allocate(capacity: output.count)
        }
        let indices = argmax.baseAddress!
        context.split.forEachSlice(of: n * g.channels) { _, planes in
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

    public func backward(inputs: [Tensor], output: Tensor, outputGradient: Tensor,
                         inputGradients: [Tensor?], context: LayerContext) {
        guard let dx = inputGradients[0] else { return }
        let g = geometry!, n = inputs[0].shape[0]
        if isPlain2x2 {
            context.split.forEachSlice(of: n * g.channels) { _, planes in
                MaxPool2x2.backward(winners: winners.pointer, outputGradient.pointer, dx.pointer, planes: planes,
                                    height: g.height, width: g.width)
            }
            return
        }
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
