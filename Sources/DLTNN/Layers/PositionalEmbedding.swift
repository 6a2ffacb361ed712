import DLTCore

/// A learned position table added to a sequence, as GPT-2's and BERT's position embeddings:
/// x (N, L, D) -> y = x + weight (N, L, D), `weight` [L, D] with L fixed by the input shape.
///
/// Default initialisation N(0, 0.02²), GPT-2's and BERT's (Keras-NLP's PositionEmbedding draws
/// glorot_uniform instead; our embedding's N(0, 0.05²) is of the same order).
/// Positions are kept, so a sequence's padding mask passes through.
public final class PositionalEmbedding: InitializableLayer, SequenceMaskPassing {
    public let name: String
    public var typeName: String { "positional_embedding" }
    public let weightInit: Initializer
    public private(set) var length = 0
    public private(set) var dim = 0
    public private(set) var weight: Parameter!

    public init(name: String, weightInit: Initializer = .normal(std: 0.02)) {
        self.name = name; self.weightInit = weightInit
    }

    public var parameters: [Parameter] { [weight] }
    public var parameterInits: [ParameterInit] { [ParameterInit(weight, weightInit, fanIn: dim, fanOut: length)] }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try expectInputs(inputShapes, count: 1)
        try expectRank(inputShapes[0], 2, what: "a sequence (length, features)")
        length = inputShapes[0][0]; dim = inputShapes[0][1]
        weight = Parameter(name: "weight", shape: [length, dim])
        return inputShapes[0]
    }

    public var flopsPerSample: Int { length * dim }

    public func forward(inputs: [Tensor], output: Tensor, context: LayerContext) {
        let x = inputs[0].pointer, y = output.pointer, table = weight.value.pointer
        let perSample = length * dim
        context.split.forEachSlice(of: inputs[0].shape[0]) { _, samples in
            for s in samples {
                let xs = x + s * perSample, ys = y + s * perSample
                for i in 0..<perSample { ys[i] = xs[i] + table[i] }
            }
        }
    }

    /// dx = dy; dweight += Σ_samples dy, split over table elements (each summed in sample order).
    public func backward(inputs: [Tensor], output: Tensor, outputGradient: Tensor,
                         inputGradients: [Tensor?], context: LayerContext) {
        let gy = outputGradient.pointer, dw = weight.gradient.pointer
        let perSample = length * dim, n = outputGradient.shape[0]
        context.split.parallelRanges(perSample, minimumPerSlice: 1024) { _, elements in
            for s in 0..<n {
                let gs = gy + s * perSample
                for i in elements { dw[i] += gs[i] }
            }
        }
        inputGradients[0]?.copy(from: outputGradient)
    }
}
