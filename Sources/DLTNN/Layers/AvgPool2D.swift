import DLTCore

/// Average pooling. x (N, C, H, W) -> y (N, C, OH, OW), floor output size.
///
/// The divisor follows the framework each padding comes from:
/// - `.valid` and `.explicit`: PyTorch's nn.AvgPool2d with count_include_pad=True (its default):
///   padded zeros count, every window divides by kh*kw;
/// - `.same`: Keras' AveragePooling2D(padding="same"): only pixels inside the image count.
/// (ONNX AveragePool: count_include_pad=1 for explicit padding, 0 for same.)
public final class AvgPool2D: Layer {
    public let name: String
    public var typeName: String { "avgpool2d" }
    public let size: (Int, Int)
    public let stride: (Int, Int)
    public let padding: Padding
    public private(set) var geometry: WindowGeometry!
    public var parameters: [Parameter] { [] }

    public init(name: String, size: (Int, Int), stride: (Int, Int)? = nil, padding: Padding = .valid) {
        self.name = name; self.size = size; self.stride = stride ?? size; self.padding = padding
    }

    /// True when padded zeros count in the divisor (PyTorch's count_include_pad).
    public var countIncludesPadding: Bool { padding != .same }

    public func build(inputShapes: [Shape]) throws -> Shape {
        geometry = try poolingGeometry(inputShapes, size: size, stride: stride, padding: padding)
        return [geometry.channels, geometry.outH, geometry.outW]
    }

    public var flopsPerSample: Int { geometry.channels * geometry.outArea * geometry.kernelArea }

    /// The window of output (oh, ow) clipped to the image, and the divisor of its sum.
    @inline(__always)
    private func window(_ g: WindowGeometry, _ oh: Int, _ ow: Int) -> (Range<Int>, Range<Int>, Float) {
        let h0 = oh * g.strideH - g.padTop, w0 = ow * g.strideW - g.padLeft
        let hs = max(h0, 0), he = min(h0 + g.kernelH, g.height)
        let ws = max(w0, 0), we = min(w0 + g.kernelW, g.width)
        let count = countIncludesPadding ? g.kernelArea : max((he - hs) * (we - ws), 1)
        return (hs..<max(he, hs), ws..<max(we, ws), 1 / Float(count))
    }

    public func forward(inputs: [Tensor], output: Tensor, context: LayerContext) {
        let x = inputs[0], g = geometry!
        let n = x.shape[0]
        context.split.forEachSlice(of: n * g.channels) { _, planes in
            for plane in planes {
                let src = x.pointer + plane * g.inArea
                let dst = output.pointer + plane * g.outArea
                for oh in 0..<g.outH {
                    for ow in 0..<g.outW {
                        let (hr, wr, scale) = self.window(g, oh, ow)
                        var sum: Float = 0
                        for h in hr {
                            let row = src + h * g.width
                            for w in wr { sum += row[w] }
                        }
                        dst[oh * g.outW + ow] = sum * scale
                    }
                }
            }
        }
    }

    public func backward(inputs: [Tensor], output: Tensor, outputGradient: Tensor,
                         inputGradients: [Tensor?], context: LayerContext) {
        guard let dx = inputGradients[0] else { return }
        let g = geometry!
        let n = dx.shape[0]
        context.split.forEachSlice(of: n * g.channels) { _, planes in
            for plane in planes {
                let gy = outputGradient.pointer + plane * g.outArea
                let gx = dx.pointer + plane * g.inArea
                gx.update(repeating: 0, count: g.inArea)
                for oh in 0..<g.outH {
                    for ow in 0..<g.outW {
                        let (hr, wr, scale) = self.window(g, oh, ow)
                        let share = gy[oh * g.outW + ow] * scale
                        for h in hr {
                            let row = gx + h * g.width
                            for w in wr { row[w] += share }
                        }
                    }
                }
            }
        }
    }
}
