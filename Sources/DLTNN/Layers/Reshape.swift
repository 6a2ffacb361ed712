import DLTCore

/// Gives each sample a new per-sample shape with the same number of elements, in row-major
/// order (PyTorch's x.view(N, *shape)). One dimension may be -1: it is inferred from the rest.
/// In a graph the output shares the input's memory (`isReshape`); forward and backward copy when
/// called directly.
public final class Reshape: Layer {
    public let name: String
    public var typeName: String { "reshape" }
    /// The requested per-sample shape, possibly with one -1.
    public let shape: [Int]
    public var parameters: [Parameter] { [] }
    public var isReshape: Bool { true }

    public init(name: String, shape: [Int]) {
        self.name = name; self.shape = shape
    }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try expectInputs(inputShapes, count: 1)
        let input = inputShapes[0]
        let label = "layer '\(name)' (reshape)"
        let target = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        guard !shape.isEmpty else { throw EngineError("\(label): shape must not be empty") }
        let inferred = shape.indices.filter { shape[$0] == -1 }
        guard inferred.count <= 1 else { throw EngineError("\(label): shape \(target) may hold at most one -1") }
        guard shape.allSatisfy({ $0 > 0 || $0 == -1 }) else {
            throw EngineError("\(label): shape \(target) must hold positive sizes (or one -1)")
        }
        let known = shape.filter { $0 != -1 }.reduce(1, *)
        var dims = shape
        if let axis = inferred.first {
            guard input.count % known == 0 else {
                throw EngineError("\(label): cannot reshape \(input) (\(input.count) elements) to \(target)")
            }
            dims[axis] = input.count / known
        }
        guard dims.reduce(1, *) == input.count else {
            throw EngineError("\(label): cannot reshape \(input) (\(input.count) elements) to \(target) (\(known) elements)")
        }
        return Shape(dims)
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
