import DLTCore

/// Inverted dropout: in training each element is kept with probability 1 - rate and scaled by
/// 1 / (1 - rate), so evaluation is the identity. x (N, ...) -> y (N, ...), same shape.
///
/// The mask comes from `SeededRandom(seed: context.stepSeed, stream: FNV-1a(name))`, drawn in
/// element order of the global batch (from `context.sampleOffset`): it depends only on the run
/// seed, the step and the layer's name, never on the thread or rank count or on how many steps
/// ran before a resume.
public final class Dropout: Layer, IdentityAtInference {
    public let name: String
    public var typeName: String { "dropout" }
    public let rate: Float
    public var parameters: [Parameter] { [] }
    /// The stream id of this layer's masks: FNV-1a (64-bit) of the name's UTF-8 bytes.
    public let stream: UInt64
    /// 0 for dropped elements, 1 / (1 - rate) for kept ones: (N, ...).
    private let mask = Tensor(shape: [0])
    private var perSample = 0

    public init(name: String, rate: Float) {
        self.name = name; self.rate = rate
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        self.stream = hash
    }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try expectInputs(inputShapes, count: 1)
        guard rate >= 0, rate < 1 else {
            throw EngineError("layer '\(name)' (dropout): rate must be in [0, 1), got \(rate)")
        }
        perSample = inputShapes[0].count
        return inputShapes[0]
    }

    public var flopsPerSample: Int { perSample }

    public func forward(inputs: [Tensor], output: Tensor, context: LayerContext) {
        let x = inputs[0]
        let count = x.count
        guard context.training, rate > 0 else {
            output.pointer.update(from: x.pointer, count: count)
            return
        }
        mask.resize(to: x.shape)
        let m = mask.pointer, keep = 1 / (1 - rate), rate = rate
        var random = SeededRandom(seed: context.stepSeed, stream: stream)
        for _ in 0..<(context.sampleOffset * perSample) { _ = random.nextFloat() }
        for i in 0..<count { m[i] = random.nextFloat() < rate ? 0 : keep }
        let xp = x.pointer, y = output.pointer
        context.split.parallelRanges(count) { _, range in
            for i in range { y[i] = xp[i] * m[i] }
        }
    }

    public func backward(inputs: [Tensor], output: Tensor, outputGradient: Tensor,
                         inputGradients: [Tensor?], context: LayerContext) {
        guard let dx = inputGradients[0] else { return }
        let count = dx.count
        guard context.training, rate > 0 else {
            dx.pointer.update(from: outputGradient.pointer, count: count)
            return
        }
        let m = mask.pointer, gy = outputGradient.pointer, gx = dx.pointer
        context.split.parallelRanges(count) { _, range in
            for i in range { gx[i] = gy[i] * m[i] }
        }
    }
}

/// Elementwise, positions kept: a sequence's padding mask passes through.
extension Dropout: SequenceMaskPassing {}
