import DLTCore

/// Conv2D with a per-channel affine map after it (batchnorm in evaluation mode) and an
/// activation folded in, for inference plans: W'[f] = W[f] · scale[f], b'[f] = b[f] · scale[f] +
/// shift[f], then the activation fused into the conv's own output pass. One pass over the
/// output instead of three (conv, batchnorm, relu), as onnxruntime does.
extension Conv2D: AffineFoldingLayer {
    public var foldingChannels: Int { filters }

    public func foldedCopy(activation folded: Activation) -> AffineFoldedLayer? {
        guard activation == .identity, let g = geometry else { return nil }
        let copy = Conv2D(name: name, filters: filters, kernel: kernel, stride: stride, padding: padding,
                          dilation: dilation, activation: folded, useBias: true)
        // The same input shape built this layer, so it builds again.
        guard (try? copy.build(inputShapes: [[g.channels, g.height, g.width]])) != nil else { return nil }
        return FoldedConv2D(source: self, folded: copy)
    }
}

/// The folded convolution an inference plan runs in place of conv → batchnorm (→ activation).
final class FoldedConv2D: AffineFoldedLayer {
    let source: Conv2D
    let folded: Conv2D

    init(source: Conv2D, folded: Conv2D) { self.source = source; self.folded = folded }

    var name: String { folded.name }
    var typeName: String { folded.typeName }
    /// Derived from the source's each time: nothing of its own to save or train.
    var parameters: [Parameter] { [] }
    var flopsPerSample: Int { folded.flopsPerSample }

    func build(inputShapes: [Shape]) throws -> Shape { try folded.build(inputShapes: inputShapes) }

    func refold(scale: UnsafePointer<Float>, shift: UnsafePointer<Float>) {
        let taps = source.geometry.columnRows
        let w = source.weight.value.pointer, b = source.bias?.value.pointer
        let fw = folded.weight.value.pointer, fb = folded.bias!.value.pointer
        for f in 0..<source.filters {
            for k in 0..<taps { fw[f * taps + k] = w[f * taps + k] * scale[f] }
            fb[f] = (b?[f] ?? 0) * scale[f] + shift[f]
        }
    }

    func forward(inputs: [Tensor], output: Tensor, context: LayerContext) {
        folded.forward(inputs: inputs, output: output, context: context)
    }

    func backward(inputs: [Tensor], output: Tensor, outputGradient: Tensor, inputGradients: [Tensor?], context: LayerContext) {
        preconditionFailure("layer '\(name)': a folded convolution runs in inference plans only")
    }
}
