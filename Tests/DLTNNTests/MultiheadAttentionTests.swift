import DLTCore
import DLTNN
import DLTTestSupport
import Testing

struct MultiheadAttentionTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var length: Int
        var heads: Int
        var causal = false
        var dropout: Float = 0
        /// (N, L) mask values, 1 real / 0 padding; nil for no mask.
        var mask: [Float]? = nil
        var testDescription: String {
            "L \(length), \(heads) heads\(causal ? ", causal" : "")\(dropout > 0 ? ", dropout \(dropout)" : "")\(mask == nil ? "" : ", mask")"
        }
    }

    static let cases: [Case] = [
        Case(length: 5, heads: 2),
        Case(length: 7, heads: 3),
        Case(length: 5, heads: 3, causal: true),
        Case(length: 7, heads: 2, dropout: 0.25),
        Case(length: 5, heads: 2, causal: true, dropout: 0.3),
        // Sample 0 pads its last two keys; sample 1 its first one.
        Case(length: 5, heads: 2, mask: [1, 1, 1, 0, 0, 0, 1, 1, 1, 1]),
        // With causal, sample 1's first query sees no key at all (zeros, no gradient).
        Case(length: 5, heads: 3, causal: true, dropout: 0.2, mask: [1, 0, 1, 0, 1, 0, 1, 1, 1, 1]),
        // Sample 1 entirely padded.
        Case(length: 7, heads: 3, mask: [1, 1, 1, 1, 1, 1, 0] + [Float](repeating: 0, count: 7)),
    ]

    @Test(arguments: cases)
    func gradients(c: Case) throws {
        var check = GradientCheck()
        check.batch = 2
        let mask = c.mask.map { Tensor(shape: [2, c.length], values: $0) }
        check.prepare = { layer in
            let attention = layer as! MultiheadAttention
            attention.useMask(mask)
            // Non-zero projection biases exercise every term.
            var random = SeededRandom(seed: 5)
            for p in [attention.inProjBias!, attention.outProjBias!] {
                for i in 0..<p.value.count { p.value[i] = random.uniform(-0.5, 0.5) }
            }
        }
        let layer = MultiheadAttention(name: "multihead_attention_0", heads: c.heads, causal: c.causal, dropout: c.dropout)
        try check.expectCorrect(layer, inputShapes: [[c.length, 6]])
    }

    @Test func gradientsInEvaluationIgnoreDropout() throws {
        var check = GradientCheck()
        check.training = false
        try check.expectCorrect(MultiheadAttention(name: "mha_eval", heads: 2, dropout: 0.5), inputShapes: [[5, 6]])
    }

    @Test func parametersHavePyTorchNamesAndShapes() throws {
        let layer = MultiheadAttention(name: "mha", heads: 2)
        #expect(try layer.build(inputShapes: [[5, 6]]) == [5, 6])
        #expect(layer.parameters.map(\.name) == ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"])
        #expect(layer.parameters.map(\.shape) == [[18, 6], [18], [6, 6], [6]])
    }

    @Test func rejectsADimensionNotDivisibleByHeads() {
        let error = engineError { _ = try MultiheadAttention(name: "mha_4", heads: 4).build(inputShapes: [[5, 6]]) }
        #expect(error?.message.contains("'mha_4'") == true)
        #expect(error?.message.contains("not divisible by heads 4") == true)
    }

    @Test func rejectsAnImage() {
        let error = engineError { _ = try MultiheadAttention(name: "mha_img", heads: 1).build(inputShapes: [[3, 4, 4]]) }
        #expect(error?.message.contains("'mha_img'") == true)
    }

    /// Random weights and inputs; returns y for x with `change` applied to input position `position`.
    func output(causal: Bool, mask: [Float]?, change position: Int?) throws -> [Float] {
        let layer = MultiheadAttention(name: "mha", heads: 2, causal: causal)
        var random = SeededRandom(seed: 9)
        var x = (0..<(5 * 6)).map { _ in random.uniform(-1, 1) }
        if let position { for j in 0..<6 { x[position * 6 + j] += 3 } }
        return try forwardOnce(layer, inputShapes: [[5, 6]], batch: 1, values: [x]) {
            var generator = SeededRandom(seed: 3)
            for p in layer.parameterInits { p.initializer.fill(p.parameter.value, fanIn: p.fanIn, fanOut: p.fanOut, random: &generator) }
            layer.useMask(mask.map { Tensor(shape: [1, 5], values: $0) })
        }.array
    }

    @Test func causalQueriesDoNotSeeLaterPositions() throws {
        let base = try output(causal: true, mask: nil, change: nil)
        let changed = try output(causal: true, mask: nil, change: 3)
        #expect(base[0..<18] == changed[0..<18])          // positions 0-2 unchanged
        #expect(base[18..<24] != changed[18..<24])
    }

    @Test func paddedKeysDoNotChangeAnyOutput() throws {
        let mask: [Float] = [1, 1, 1, 1, 0]
        let base = try output(causal: false, mask: mask, change: nil)
        let changed = try output(causal: false, mask: mask, change: 4)
        // Position 4 is padded: as a key it is ignored; only its own query row changes.
        #expect(allClose(Array(base[0..<24]), Array(changed[0..<24]), tolerance: 1e-6))
    }

    @Test func aQueryWithNoVisibleKeyGetsTheOutputBiasNotNaN() throws {
        let y = try output(causal: true, mask: [0, 1, 1, 1, 1], change: nil)
        #expect(!y.contains { $0.isNaN })
        // Query 0 sees only key 0, which is padded: zero weights, so y = out_proj.bias = 0.
        #expect(y[0..<6].allSatisfy { $0 == 0 })
    }

    /// Attention-weight dropout: drawn from the step seed in training, absent in evaluation.
    @Test func dropoutDependsOnTheStepAndOnlyTrains() throws {
        func run(training: Bool, seed: UInt64, threads: Int, dropout: Float = 0.5) throws -> [Float] {
            let layer = MultiheadAttention(name: "mha_drop", heads: 2, dropout: dropout)
            var random = SeededRandom(seed: 4)
            let x = (0..<(3 * 5 * 6)).map { _ in random.uniform(-1, 1) }
            return try forwardOnce(layer, inputShapes: [[5, 6]], batch: 3, values: [x], training: training,
                                   stepSeed: seed, threads: threads) {
                var generator = SeededRandom(seed: 3)
                for p in layer.parameterInits { p.initializer.fill(p.parameter.value, fanIn: p.fanIn, fanOut: p.fanOut, random: &generator) }
            }.array
        }
        let reference = try run(training: true, seed: 1, threads: 1)
        #expect(allClose(try run(training: true, seed: 1, threads: 2), reference, tolerance: 1e-6))   // same keep masks
        #expect(!allClose(try run(training: true, seed: 2, threads: 1), reference, tolerance: 1e-3))
        #expect(try run(training: false, seed: 1, threads: 1) == run(training: false, seed: 1, threads: 1, dropout: 0))
    }
}
