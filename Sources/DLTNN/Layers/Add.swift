import DLTCore

/// Element-wise sum of two or more inputs of the same shape (Keras' Add, a residual join).
/// x_k (N, ...) -> y (N, ...); every input's gradient is dL/dy.
public final class Add: ElementwiseSumLayer {
    public let name: String
    public var typeName: String { "add" }
    public var parameters: [Parameter] { [] }
    private var perSample = 0

    public init(name: String) { self.name = name }

    public func build(inputShapes: [Shape]) throws -> Shape {
        guard inputShapes.count >= 2 else {
            throw EngineError("layer '\(name)' (add) takes at least 2 inputs, got \(inputShapes.count)")
        }
        guard inputShapes.allSatisfy({ $0 == inputShapes[0] }) else {
            let shapes = inputShapes.map(\.description).joined(separator: ", ")
            throw EngineError("layer '\(name)' (add) needs inputs of one shape, got \(shapes)")
        }
        perSample = inputShapes[0].count
        return inputShapes[0]
    }

    public var flopsPerSample: Int { perSample * 2 }

    public func forward(inputs: [Tensor], output: Tensor, context: LayerContext) {
        let y = output.pointer
        context.split.parallelRanges(output.count) { _, range in
            (y + range.lowerBound).update(from: inputs[0].pointer + range.lowerBound, count: range.count)
            for input in inputs.dropFirst() {
                Elementwise.addShort(y + range.lowerBound, input.pointer + range.lowerBound, count: range.count)
            }
        }
    }

    public func backward(inputs: [Tensor], output: Tensor, outputGradient: Tensor,
                         inputGradients: [Tensor?], context: LayerContext) {
        for dx in inputGradients {
            dx?.pointer.update(from: outputGradient.pointer, count: outputGradient.count)
        }
    }
}

/// Positions are kept: the first input's padding mask passes through (a residual add before a
/// masked pool).
extension Add: SequenceMaskPassing {}
