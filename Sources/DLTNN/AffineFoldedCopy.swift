import DLTCore

/// What an inference plan runs in place of producer → per-channel affine (→ activation): a copy
/// of the producer (same type and settings, the activation folded in, always a bias) whose
/// weights are refolded from the producer's before each use. The producer's weight is one row
/// per output channel (dense [units, in], conv [filters, C·kh·kw]), so folding is
/// W'[c] = W[c] · scale[c], b'[c] = b[c] · scale[c] + shift[c].
final class AffineFoldedCopy: AffineFoldedLayer {
    let copy: Layer
    private let sourceWeight: Parameter, sourceBias: Parameter?
    private let foldedWeight: Parameter, foldedBias: Parameter

    init(copy: Layer, sourceWeight: Parameter, sourceBias: Parameter?, foldedWeight: Parameter, foldedBias: Parameter) {
        self.copy = copy
        self.sourceWeight = sourceWeight; self.sourceBias = sourceBias
        self.foldedWeight = foldedWeight; self.foldedBias = foldedBias
    }

    var name: String { copy.name }
    var typeName: String { copy.typeName }
    /// Derived from the producer's each time: nothing of its own to save or train.
    var parameters: [Parameter] { [] }
    var flopsPerSample: Int { copy.flopsPerSample }

    func build(inputShapes: [Shape]) throws -> Shape { try copy.build(inputShapes: inputShapes) }

    func refold(scale: UnsafePointer<Float>, shift: UnsafePointer<Float>) {
        let channels = foldedBias.value.count, row = sourceWeight.value.count / channels
        let w = sourceWeight.value.pointer, b = sourceBias?.value.pointer
        let fw = foldedWeight.value.pointer, fb = foldedBias.value.pointer
        for c in 0..<channels {
            for k in 0..<row { fw[c * row + k] = w[c * row + k] * scale[c] }
            fb[c] = (b?[c] ?? 0) * scale[c] + shift[c]
        }
    }

    func forward(inputs: [Tensor], output: Tensor, context: LayerContext) {
        copy.forward(inputs: inputs, output: output, context: context)
    }

    func backward(inputs: [Tensor], output: Tensor, outputGradient: Tensor, inputGradients: [Tensor?], context: LayerContext) {
        preconditionFailure("layer '\(name)': a folded copy runs in inference plans only")
    }
}

/// A folded conv → batchnorm → relu takes in the 2x2 max pool after it as the conv itself would.
extension AffineFoldedCopy: AbsorbingLayer {
    func absorb(_ operation: FusibleOperation) -> Bool {
        (copy as? AbsorbingLayer)?.absorb(operation) ?? false
    }
}
