import DLTCore

/// Conv2D → batchnorm (→ activation) as one convolution in inference plans (`AffineFoldedCopy`):
/// one pass over the output instead of three, as onnxruntime does.
extension Conv2D: AffineFoldingLayer {
    public var foldingChannels: Int { filters }

    public func foldedCopy(activation folded: Activation, addsResidual: Bool) -> AffineFoldedLayer? {
        guard activation == .identity, let g = geometry else { return nil }
        let copy = Conv2D(name: name, filters: filters, kernel: kernel, stride: stride, padding: padding,
                          dilation: dilation, activation: folded, useBias: true)
        copy.addsResidual = addsResidual
        // The same input shape built this layer, so it builds again.
        guard (try? copy.build(inputShapes: [[g.channels, g.height, g.width]])) != nil else { return nil }
        return AffineFoldedCopy(copy: copy, sourceWeight: weight, sourceBias: bias, foldedWeight: copy.weight,
                                foldedBias: copy.bias!)
    }
}
