import DLTCore
import DLTNN
import Testing

/// LSTM and GRU through the finite-difference checker: both directions, sequences or the last
/// state, and padded samples (the checker also compares 1 and 2 threads).
struct RecurrentLayerTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let gru: Bool, returnSequences: Bool, bidirectional: Bool, masked: Bool
        var testDescription: String {
            "\(gru ? "gru" : "lstm") seq=\(returnSequences) bi=\(bidirectional) masked=\(masked)"
        }
    }

    static let cases: [Case] = [false, true].flatMap { gru in
        [Case(gru: gru, returnSequences: false, bidirectional: false, masked: false),
         Case(gru: gru, returnSequences: true, bidirectional: false, masked: false),
         Case(gru: gru, returnSequences: false, bidirectional: true, masked: false),
         Case(gru: gru, returnSequences: true, bidirectional: true, masked: true),
         Case(gru: gru, returnSequences: false, bidirectional: true, masked: true)]
    }

    static let length = 5, batch = 3

    /// Sample 0 full, sample 1 padded after 3 tokens, sample 2 with padding inside and at the end.
    static func mask() -> Tensor {
        Tensor(shape: [batch, length], values: [1, 1, 1, 1, 1,
                                                1, 1, 1, 0, 0,
                                                1, 0, 1, 1, 0])
    }

    func make(_ c: Case) -> RecurrentLayer {
        c.gru ? .gru(name: "gru_0", units: 4, returnSequences: c.returnSequences, bidirectional: c.bidirectional)
              : .lstm(name: "lstm_0", units: 4, returnSequences: c.returnSequences, bidirectional: c.bidirectional)
    }

    @Test(arguments: cases)
    func gradients(_ c: Case) throws {
        var check = GradientCheck()
        check.batch = Self.batch
        let layer = make(c)
        if c.masked { layer.useMask(Self.mask()) }
        try check.expectCorrect(layer, inputShapes: [[Self.length, 3]])
    }

    /// At padding the state is carried: a padded sample's last state equals the state of the
    /// same sample cut at its last real token, and its outputs there are zero.
    @Test(arguments: [false, true])
    func paddingCarriesTheState(gru: Bool) throws {
        let padded = make(Case(gru: gru, returnSequences: true, bidirectional: false, masked: true))
        _ = try padded.build(inputShapes: [[4, 2]])
        var random = SeededRandom(seed: 7)
        for p in padded.parameters { for i in 0..<p.value.count { p.value[i] = random.uniform(-0.5, 0.5) } }
        let x = Tensor(shape: [1, 4, 2], values: [0.3, -0.2, 0.5, 0.1, 0.9, -0.7, -0.4, 0.8])
        padded.useMask(Tensor(shape: [1, 4], values: [1, 1, 0, 0]))
        let y = Tensor(shape: [1, 4, 4])
        let context = LayerContext(split: ThreadSplit(threads: 1), training: false)
        padded.forward(inputs: [x], output: y, context: context)
        #expect(y.array[8...].allSatisfy { $0 == 0 })

        let last = make(Case(gru: gru, returnSequences: false, bidirectional: false, masked: true))
        _ = try last.build(inputShapes: [[2, 2]])
        for (a, b) in zip(last.parameters, padded.parameters) { a.value.copy(from: b.value) }
        let h = Tensor(shape: [1, 4])
        last.forward(inputs: [Tensor(shape: [1, 2, 2], values: Array(x.array[0..<4]))], output: h, context: context)
        #expect(h.array == Array(y.array[4..<8]))
    }
}

extension RecurrentLayerTests {
    /// A mask without padding changes nothing.
    @Test(arguments: [false, true])
    func fullMaskIsNoMask(gru: Bool) throws {
        let plain = make(Case(gru: gru, returnSequences: false, bidirectional: true, masked: false))
        let masked = make(Case(gru: gru, returnSequences: false, bidirectional: true, masked: true))
        for layer in [plain, masked] { _ = try layer.build(inputShapes: [[Self.length, 3]]) }
        var random = SeededRandom(seed: 3)
        for (a, b) in zip(plain.parameters, masked.parameters) {
            for i in 0..<a.value.count { a.value[i] = random.uniform(-0.5, 0.5) }
            b.value.copy(from: a.value)
        }
        masked.useMask(Tensor(shape: [Self.batch, Self.length], repeating: 1))
        let x = Tensor(shape: [Self.batch, Self.length, 3], values: (0..<45).map { Float($0 % 7) * 0.2 - 0.6 })
        let context = LayerContext(split: ThreadSplit(threads: 2), training: false)
        let a = Tensor(shape: [Self.batch, 8]), b = Tensor(shape: [Self.batch, 8])
        plain.forward(inputs: [x], output: a, context: context)
        masked.forward(inputs: [x], output: b, context: context)
        #expect(a.array == b.array)
    }
}
