import DLTCore

/// Mean over each channel's plane: x (N, C, H, W) -> y (N, C), PyTorch's
/// AdaptiveAvgPool2d(1) followed by flatten.
public final class GlobalAvgPool2D: Layer {
    public let name: String
    public var typeName: String { "global_avgpool2d" }
    public var parameters: [Parameter] { [] }
    public private(set) var channels = 0
    public private(set) var area = 0

    public init(name: String) { self.name = name }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try expectInputs(inputShapes, count: 1)
        try expectRank(inputShapes[0], 3, what: "an image (C, H, W)")
        let s = inputShapes[0]
        guard s.count > 0 else { throw EngineError("layer '\(name)' (global_avgpool2d): empty input \(s)") }
        channels = s[0]; area = s[1] * s[2]
        return [channels]
    }

    public var flopsPerSample: Int { channels * area }

    public func forward(inputs: [Tensor], output: Tensor, context: LayerContext) {
        GlobalMean.forward(inputs[0].pointer, output.pointer, groups: inputs[0].shape[0] * channels,
                           reduced: area, inner: 1, split: context.split)
    }

    public func backward(inputs: [Tensor], output: Tensor, outputGradient: Tensor,
                         inputGradients: [Tensor?], context: LayerContext) {
        guard let dx = inputGradients[0] else { return }
        GlobalMean.backward(outputGradient.pointer, dx.pointer, groups: dx.shape[0] * channels,
                            reduced: area, inner: 1, split: context.split)
    }
}

/// x (groups, reduced, inner) <-> y (groups, inner), y = mean over the middle axis.
enum GlobalMean {
    static func forward(_ x: UnsafeMutablePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                        groups: Int, reduced: Int, inner: Int, split: ThreadSplit) {
        let scale = 1 / Float(reduced)
        split.parallelRanges(groups, minimumPerSlice: max(1, 4096 / max(reduced * inner, 1))) { _, range in
            for gIndex in range {
                let src = x + gIndex * reduced * inner, dst = y + gIndex * inner
                if inner == 1 {  // a plane's mean (2-D pools): in lanes, not a serial sum
                    dst[0] = Elementwise.sum(src, count: reduced) * scale
                    continue
                }
                dst.update(repeating: 0, count: inner)
                for r in 0..<reduced {
                    let row = src + r * inner
                    for i in 0..<inner { dst[i] += row[i] }
                }
                for i in 0..<inner { dst[i] *= scale }
            }
        }
    }

    static func backward(_ gy: UnsafeMutablePointer<Float>, _ gx: UnsafeMutablePointer<Float>,
                         groups: Int, reduced: Int, inner: Int, split: ThreadSplit) {
        let scale = 1 / Float(reduced)
        split.parallelRanges(groups, minimumPerSlice: max(1, 4096 / max(reduced * inner, 1))) { _, range in
            for gIndex in range {
                let src = gy + gIndex * inner, dst = gx + gIndex * reduced * inner
                if inner == 1 {
                    dst.update(repeating: src[0] * scale, count: reduced)
                    continue
                }
                for r in 0..<reduced {
                    let row = dst + r * inner
                    for i in 0..<inner { row[i] = src[i] * scale }
                }
            }
        }
    }
}
