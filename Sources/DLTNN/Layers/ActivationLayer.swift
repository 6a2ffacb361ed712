import DLTCore

/// An activation as a layer of its own (relu, leaky_relu, sigmoid, tanh, gelu, softmax):
/// x (N, ...) -> y (N, ...), same shape. Softmax runs over per-sample axis 0, PyTorch's dim=1:
/// channels of (N, C, H, W), features of (N, F), and the L axis of (N, L, D).
public final class ActivationLayer: OutputActivationLayer, StandaloneActivationLayer {
    public let name: String
    public var activation: Activation
    /// The type it was made as; stays when a fused loss takes the activation over.
    public let typeName: String
    public var parameters: [Parameter] { [] }
    /// Softmax's (channels, inner) split of one sample: (shape[0], product of the rest).
    private var channels = 1, inner = 1

    public init(name: String, activation: Activation) {
        self.name = name; self.activation = activation; self.typeName = activation.name
    }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try expectInputs(inputShapes, count: 1)
        let s = inputShapes[0]
        guard s.rank >= 1, s.count > 0 else {
            throw EngineError("layer '\(name)' (\(typeName)) expects a non-empty input, got shape \(s)")
        }
        channels = s[0]; inner = s.count / s[0]
        return s
    }

    public var flopsPerSample: Int { channels * inner }

    public func forward(inputs: [Tensor], output: Tensor, context: LayerContext) {
        let x = inputs[0].pointer, y = output.pointer
        let perSample = channels * inner, act = activation, channels = channels, inner = inner
        context.split.forEachSlice(of: inputs[0].shape[0]) { _, range in
            let offset = range.lowerBound * perSample, count = range.count * perSample
            if act == .relu {  // one vectorised pass instead of a copy and a scalar max
                Elementwise.addBias(y + offset, x + offset, bias: 0, count: count, relu: true)
                return
            }
            (y + offset).update(from: x + offset, count: count)
            act.apply(y + offset, count: count, channels: channels, inner: inner)
        }
    }

    public func backward(inputs: [Tensor], output: Tensor, outputGradient: Tensor,
                         inputGradients: [Tensor?], context: LayerContext) {
        guard let dx = inputGradients[0] else { return }
        let x = inputs[0].pointer, y = output.pointer, gy = outputGradient.pointer, gx = dx.pointer
        let perSample = channels * inner, act = activation, channels = channels, inner = inner
        context.split.forEachSlice(of: dx.shape[0]) { _, range in
            let offset = range.lowerBound * perSample, count = range.count * perSample
            if act == .relu {
                Elementwise.copyWherePositive(gx + offset, gy + offset, mask: y + offset, count: count)
                return
            }
            (gx + offset).update(from: gy + offset, count: count)
            act.backward(output: y + offset, input: x + offset, gradient: gx + offset,
                         count: count, channels: channels, inner: inner)
        }
    }
}

/// Same shape, positions kept: a sequence's padding mask passes through.
extension ActivationLayer: SequenceMaskPassing {}

/// A ReLU layer can run inside the batchnorm or add before it.
extension ActivationLayer: FusibleLayer {
    public var fusibleOperation: FusibleOperation? { activation == .relu ? .relu : nil }
}
