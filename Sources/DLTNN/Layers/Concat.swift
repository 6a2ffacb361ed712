import DLTCore

/// Joins inputs along a per-sample axis (0 = channels of images, features of vectors;
/// PyTorch's torch.cat(dim=axis+1)). A negative axis counts from the end. Every other
/// dimension must match. x_k (N, ..., A_k, ...) -> y (N, ..., sum A_k, ...).
public final class Concat: Layer {
    public let name: String
    public var typeName: String { "concat" }
    public let axis: Int
    public var parameters: [Parameter] { [] }
    /// Per sample: `outer` blocks, each of `blocks[k]` contiguous elements from input k.
    private var outer = 1
    private var blocks: [Int] = []

    public init(name: String, axis: Int = 0) {
        self.name = name; self.axis = axis
    }

    public func build(inputShapes: [Shape]) throws -> Shape {
        let label = "layer '\(name)' (concat)"
        guard inputShapes.count >= 2 else { throw EngineError("\(label) takes at least 2 inputs, got \(inputShapes.count)") }
        let first = inputShapes[0], rank = first.rank
        let shapes = inputShapes.map(\.description).joined(separator: ", ")
        guard inputShapes.allSatisfy({ $0.rank == rank }) else {
            throw EngineError("\(label): inputs must have the same rank, got \(shapes)")
        }
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0, a < rank else { throw EngineError("\(label): axis \(axis) is out of range for inputs \(shapes)") }
        for s in inputShapes {
            for d in 0..<rank where d != a && s[d] != first[d] {
                throw EngineError("\(label): inputs \(shapes) differ outside axis \(axis)")
            }
        }
        outer = first.dims[..<a].reduce(1, *)
        let inner = first.dims[(a + 1)...].reduce(1, *)
        blocks = inputShapes.map { $0[a] * inner }
        var dims = first.dims
        dims[a] = inputShapes.reduce(0) { $0 + $1[a] }
        return Shape(dims)
    }

    public var flopsPerSample: Int { 0 }

    public func forward(inputs: [Tensor], output: Tensor, context: LayerContext) {
        let total = blocks.reduce(0, +), outer = outer, blocks = blocks
        let y = output.pointer
        context.split.forEachSlice(of: output.shape[0]) { _, range in
            for s in range {
                for o in 0..<outer {
                    var dst = y + (s * outer + o) * total
                    for (k, input) in inputs.enumerated() {
                        dst.update(from: input.pointer + (s * outer + o) * blocks[k], count: blocks[k])
                        dst += blocks[k]
                    }
                }
            }
        }
    }

    public func backward(inputs: [Tensor], output: Tensor, outputGradient: Tensor,
                         inputGradients: [Tensor?], context: LayerContext) {
        let total = blocks.reduce(0, +), outer = outer, blocks = blocks
        let gy = outputGradient.pointer
        context.split.forEachSlice(of: outputGradient.shape[0]) { _, range in
            for s in range {
                for o in 0..<outer {
                    var src = gy + (s * outer + o) * total
                    for (k, dx) in inputGradients.enumerated() {
                        dx?.pointer.advanced(by: (s * outer + o) * blocks[k]).update(from: src, count: blocks[k])
                        src += blocks[k]
                    }
                }
            }
        }
    }
}
