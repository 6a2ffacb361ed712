import DLTCore

/// x (N, C, H, W) -> y (N, C*H*W) in C, H, W order (PyTorch's nn.Flatten), so dense weights
/// move between dlt and PyTorch unchanged. Any per-sample rank is accepted. In a graph the output
/// shares the input's memory (`isReshape`); forward and backward copy when called directly.
public final class Flatten: Layer {
    public let name: String
    public var typeName: String { "flatten" }
    public var parameters: [Parameter] { [] }
    public var isReshape: Bool { true }
    private var features = 0

    public init(name: String) { self.name = name }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try expectInputs(inputShapes, count: 1)
        features = inputShapes[0].count
        return [features]
    }

    public var flopsPerSample: Int { 0 }

    public func forward(inputs: [Tensor], output: Tensor, context: LayerContext) {
        output.pointer.update(from: inputs[0].pointer, count: inputs[0].count)
    }

    public func backward(inputs: [Tensor], output: Tensor, outputGradient: Tensor,
                         inputGradients: [Tensor?], context: LayerContext) {
        inputGradients[0]?.pointer.update(from: outputGradient.pointer, count: outputGradient.count)
    }
}
