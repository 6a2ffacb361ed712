import DLTCore

/// Element-wise sum of two or more inputs of the same shape (Keras' Add, a residual join).
/// x_k (N, ...) -> y (N, ...); every input's gradient is dL/dy.
///
/// A graph may run the ReLU layer that reads it alone inside it (`absorb(.relu)`, the residual
/// block's add → relu): forward then writes relu(Σ x_k) in the same pass, and backward gives each
/// input dL/dy where that output is positive, 0 elsewhere; the same bits as the two layers.
public final class Add: ElementwiseSumLayer, AbsorbingLayer {
    public let name: String
    public var typeName: String { "add" }
    public var parameters: [Parameter] { [] }
    private var perSample = 0
    private var appliesRelu = false

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
            let start = range.lowerBound, count = range.count
            if inputs.count == 2 {  // the residual join: one pass
                Elementwise.addPair(y + start, inputs[0].pointer + start, inputs[1].pointer + start, count: count,
                                    relu: appliesRelu)
                return
            }
            (y + start).update(from: inputs[0].pointer + start, count: count)
            for input in inputs.dropFirst() { Elementwise.addShort(y + start, input.pointer + start, count: count) }
            if appliesRelu { Elementwise.addBias(y + start, y + start, bias: 0, count: count, relu: true) }
        }
    }

    public func backward(inputs: [Tensor], output: Tensor, outputGradient: Tensor,
                         inputGradients: [Tensor?], context: LayerContext) {
        for case let dx? in inputGradients {
            if appliesRelu {
                context.split.parallelRanges(output.count) { _, r in
                    Elementwise.copyWherePositive(dx.pointer + r.lowerBound, outputGradient.pointer + r.lowerBound,
                                                  mask: output.pointer + r.lowerBound, count: r.count)
                }
            } else {
                dx.pointer.update(from: outputGradient.pointer, count: outputGradient.count)
            }
        }
    }

    public func absorb(_ operation: FusibleOperation) -> Bool {
        guard operation == .relu else { return false }
        appliesRelu = true
        return true
    }
}

/// Positions are kept: the first input's padding mask passes through (a residual add before a
/// masked pool).
extension Add: SequenceMaskPassing {}
