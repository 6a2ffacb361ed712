import DLTCore

/// Mean over the sequence: x (N, L, D) -> y (N, D), Keras' GlobalAveragePooling1D on the
/// (length, features) output of an embedding (PyTorch: x.mean(dim=1)).
public final class GlobalAvgPool1D: Layer {
    public let name: String
    public var typeName: String { "global_avgpool1d" }
    public var parameters: [Parameter] { [] }
    public private(set) var length = 0
    public private(set) var features = 0

    public init(name: String) { self.name = name }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try expectInputs(inputShapes, count: 1)
        try expectRank(inputShapes[0], 2, what: "a sequence (length, features)")
        let s = inputShapes[0]
        guard s.count > 0 else { throw EngineError("layer '\(name)' (global_avgpool1d): empty input \(s)") }
        length = s[0]; features = s[1]
        return [features]
    }

    public var flopsPerSample: Int { length * features }

    public func forward(inputs: [Tensor], output: Tensor, context: LayerContext) {
        GlobalMean.forward(inputs[0].pointer, output.pointer, groups: inputs[0].shape[0],
                           reduced: length, inner: features, split: context.split)
    }

    public func backward(inputs: [Tensor], output: Tensor, outputGradient: Tensor,
                         inputGradients: [Tensor?], context: LayerContext) {
        guard let dx = inputGradients[0] else { return }
        GlobalMean.backward(outputGradient.pointer, dx.pointer, groups: dx.shape[0],
                            reduced: length, inner: features, split: context.split)
    }
}
