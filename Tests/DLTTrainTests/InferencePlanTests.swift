import DLTCore
import DLTNN
import DLTTrain
import Testing

/// The inference plan (no backward follows) folds conv + batchnorm (+ residual add) (+ relu)
/// into one convolution and skips dropout; its outputs must be the training plan's evaluation outputs
/// up to rounding, also after the weights change.
@Suite struct InferencePlanTests {
    private func makeGraph() throws -> Graph {
        let graph = Graph(inputShape: [2, 9, 8])
        let stem = try graph.append(Conv2D(name: "stem", filters: 4, kernel: (3, 3), padding: .same, activation: .relu), inputs: [.modelInput])
        let c1 = try graph.append(Conv2D(name: "c1", filters: 4, kernel: (3, 3), padding: .same), inputs: [.node(stem)])
        let b1 = try graph.append(BatchNorm(name: "b1"), inputs: [.node(c1)])
        let r1 = try graph.append(ActivationLayer(name: "r1", activation: .relu), inputs: [.node(b1)])
        let c2 = try graph.append(Conv2D(name: "c2", filters: 4, kernel: (3, 3), padding: .same, useBias: false), inputs: [.node(r1)])
        let b2 = try graph.append(BatchNorm(name: "b2"), inputs: [.node(c2)])
        let sum = try graph.append(Add(name: "sum"), inputs: [.node(b2), .node(stem)])
        let out = try graph.append(ActivationLayer(name: "out", activation: .relu), inputs: [.node(sum)])
        let drop = try graph.append(Dropout(name: "drop", rate: 0.5), inputs: [.node(out)])
        let pool = try graph.append(GlobalAvgPool2D(name: "pool"), inputs: [.node(drop)])
        try graph.append(Dense(name: "head", units: 3), inputs: [.node(pool)])
        var random = SeededRandom(seed: 11)
        graph.initializeParameters(random: &random)
        randomize(graph, &random)
        return graph
    }

    /// Biases and batchnorm statistics away from their initial values, so that folding them matters.
    func randomize(_ graph: Graph, _ random: inout SeededRandom) {
        for (name, p) in graph.namedParameters where p.shape.rank == 1 {
            let positive = name.hasSuffix("running_var") || name.hasSuffix(".weight")
            for i in 0..<p.value.count { p.value[i] = positive ? random.uniform(0.5, 1.5) : random.uniform(-0.5, 0.5) }
        }
    }

    func outputs(_ graph: Graph, threads: Int) -> (evaluation: [Float], inference: [Float]) {
        var random = SeededRandom(seed: 4)
        let input = Tensor(shape: [5, 2, 9, 8], values: (0..<720).map { _ in random.uniform(-1, 1) })
        let split = ThreadSplit(threads: threads)
        let evaluation = graph.forward(input, context: LayerContext(split: split, training: false)).array
        let inference = graph.forward(input, context: LayerContext(split: split, training: false, inferenceOnly: true)).array
        return (evaluation, inference)
    }

    @Test(arguments: [1, 2])
    func foldedPlanGivesTheEvaluationOutputs(threads: Int) throws {
        let graph = try makeGraph()
        let (evaluation, inference) = outputs(graph, threads: threads)
        // Folded into c1, and into c2 with the residual add and its relu; dropout becomes a view.
        #expect(graph.absorbedLayers == ["b1", "r1", "b2", "sum", "out"])
        for (a, b) in zip(evaluation, inference) { #expect(abs(a - b) <= 1e-5 * max(1, abs(a))) }

        // After the weights change (as training does), the folded convolution follows them.
        var random = SeededRandom(seed: 12)
        randomize(graph, &random)
        let (evaluationAfter, inferenceAfter) = outputs(graph, threads: threads)
        #expect(evaluationAfter != evaluation)
        for (a, b) in zip(evaluationAfter, inferenceAfter) { #expect(abs(a - b) <= 1e-5 * max(1, abs(a))) }
    }

    @Test func backwardStillRunsAfterAnInferencePass() throws {
        let graph = try makeGraph()
        _ = outputs(graph, threads: 1)
        let input = Tensor(shape: [2, 2, 9, 8], repeating: 0.1)
        let context = LayerContext(split: ThreadSplit(threads: 1), training: true)
        graph.zeroGradients()
        _ = graph.forward(input, context: context)
        graph.outputGradient.fill(1)
        graph.backward(input: input, context: context)
        #expect(graph.namedParameters.contains { $0.name == "c1.weight" && $0.parameter.gradient.array.contains { $0 != 0 } })
    }
}

extension InferencePlanTests {
    /// Dense → batchnorm → relu on vectors folds the same way.
    @Test func denseFoldsItsBatchNorm() throws {
        let graph = Graph(inputShape: [7])
        let d = try graph.append(Dense(name: "d", units: 5), inputs: [.modelInput])
        let b = try graph.append(BatchNorm(name: "b"), inputs: [.node(d)])
        let r = try graph.append(ActivationLayer(name: "r", activation: .tanh), inputs: [.node(b)])
        try graph.append(Dense(name: "head", units: 2), inputs: [.node(r)])
        var random = SeededRandom(seed: 2)
        graph.initializeParameters(random: &random)
        randomize(graph, &random)
        let input = Tensor(shape: [3, 7], values: (0..<21).map { _ in random.uniform(-1, 1) })
        let split = ThreadSplit(threads: 2)
        let evaluation = graph.forward(input, context: LayerContext(split: split, training: false)).array
        let inference = graph.forward(input, context: LayerContext(split: split, training: false, inferenceOnly: true)).array
        #expect(graph.absorbedLayers == ["b", "r"])
        for (a, b) in zip(evaluation, inference) { #expect(abs(a - b) <= 1e-5 * max(1, abs(a))) }
    }
}

extension InferencePlanTests {
    /// Conv → batchnorm → relu → 2x2 max pool runs as one folded convolution with the pool
    /// absorbed, on odd planes (the last row is never pooled), both on the shifted-plane path
    /// (4 filters) and on im2col + sgemm (72 filters, past the planes' limit).
    @Test(arguments: [1, 2])
    func foldedConvolutionAbsorbsItsPool(threads: Int) throws {
        let graph = Graph(inputShape: [2, 9, 8])
        var last = Graph.NodeInput.modelInput
        for (block, filters) in [4, 72].enumerated() {
            let c = try graph.append(Conv2D(name: "c\(block)", filters: filters, kernel: (3, 3), padding: .same), inputs: [last])
            let b = try graph.append(BatchNorm(name: "b\(block)"), inputs: [.node(c)])
            let r = try graph.append(ActivationLayer(name: "r\(block)", activation: .relu), inputs: [.node(b)])
            last = .node(try graph.append(MaxPool2D(name: "p\(block)", size: (2, 2)), inputs: [.node(r)]))
        }
        let pool = try graph.append(GlobalAvgPool2D(name: "pool"), inputs: [last])
        try graph.append(Dense(name: "head", units: 3), inputs: [.node(pool)])
        var random = SeededRandom(seed: 5)
        graph.initializeParameters(random: &random)
        randomize(graph, &random)
        let (evaluation, inference) = outputs(graph, threads: threads)
        #expect(graph.absorbedLayers == ["b0", "r0", "p0", "b1", "r1", "p1"])
        for (a, b) in zip(evaluation, inference) { #expect(abs(a - b) <= 1e-5 * max(1, abs(a))) }
    }
}

extension InferencePlanTests {
    /// An inference pass keeps no max-pool winners: the pool absorbed by a conv on the
    /// shifted-plane path (8 filters, valid), on im2col + sgemm (72 filters) and a pool on its
    /// own (after a tanh conv, which cannot absorb it) give evaluation's outputs bit for bit,
    /// and a training step after the inference pass still has its winners.
    @Test(arguments: [1, 2])
    func poolsWithoutWinnersGiveTheEvaluationBits(threads: Int) throws {
        let graph = Graph(inputShape: [2, 20, 17])
        var last = Graph.NodeInput.modelInput
        for (block, (filters, activation)) in [(8, Activation.relu), (72, .relu), (6, .tanh)].enumerated() {
            let c = try graph.append(Conv2D(name: "c\(block)", filters: filters, kernel: (3, 3), padding: block == 0 ? .valid : .same,
                                            activation: activation), inputs: [last])
            last = .node(try graph.append(MaxPool2D(name: "p\(block)", size: (2, 2)), inputs: [.node(c)]))
        }
        try graph.append(Flatten(name: "flat"), inputs: [last])
        var random = SeededRandom(seed: 8)
        graph.initializeParameters(random: &random)
        randomize(graph, &random)
        let input = Tensor(shape: [3, 2, 20, 17], values: (0..<2040).map { _ in random.uniform(-1, 1) })
        let split = ThreadSplit(threads: threads)
        let evaluation = graph.forward(input, context: LayerContext(split: split, training: false)).array
        let inference = graph.forward(input, context: LayerContext(split: split, training: false, inferenceOnly: true)).array
        #expect(graph.absorbedLayers == ["p0", "p1"])
        #expect(inference == evaluation)

        let training = LayerContext(split: split, training: true)
        graph.zeroGradients()
        _ = graph.forward(input, context: training)
        graph.outputGradient.fill(1)
        graph.backward(input: input, context: training)
        for name in ["c0.weight", "c1.weight", "c2.weight"] {
            #expect(graph.namedParameters.contains { $0.name == name && $0.parameter.gradient.array.contains { $0 != 0 } })
        }
    }
}

extension InferencePlanTests {
    /// A recurrent layer reading an embedding runs, at inference, as a copy that looks each
    /// position's input part up by token id; with padding and invalid ids, bidirectional or not,
    /// LSTM and GRU, its outputs are evaluation's up to rounding, also after the embedding alone
    /// or W_ih alone changes.
    @Test(arguments: [(false, 1), (true, 2)])
    func recurrentLayersReadTheirEmbeddingsTokens(bidirectional: Bool, threads: Int) throws {
        let graph = Graph(inputShape: [7])
        let e = try graph.append(Embedding(name: "e", vocab: 11, dim: 5, maskZero: true), inputs: [.modelInput])
        let lstm = try graph.append(RecurrentLayer.lstm(name: "lstm", units: 3, returnSequences: true, bidirectional: bidirectional),
                                    inputs: [.node(e)])
        let f = try graph.append(Embedding(name: "f", vocab: 13, dim: 4), inputs: [.modelInput])
        let gru = try graph.append(RecurrentLayer.gru(name: "gru", units: 3, returnSequences: true, bidirectional: bidirectional), inputs: [.node(f)])
        try graph.append(Add(name: "sum"), inputs: [.node(lstm), .node(gru)])
        var random = SeededRandom(seed: 3)
        graph.initializeParameters(random: &random)
        // Ids 11 and 12 are outside e's table (a zero row); 0 at the end is padding.
        let ids: [Float] = [3, 1, 4, 1, 5, 0, 0,  2, 7, 1, 8, 2, 8, 1,  10, 11, 12, 0, 6, 0, 0]
        let input = Tensor(shape: [3, 7], values: ids)
        let split = ThreadSplit(threads: threads)
        func compare() -> [Float] {
            let evaluation = graph.forward(input, context: LayerContext(split: split, training: false)).array
            let inference = graph.forward(input, context: LayerContext(split: split, training: false, inferenceOnly: true)).array
            #expect(graph.tokenReadingLayers == ["lstm", "gru"])
            for (a, b) in zip(evaluation, inference) { #expect(abs(a - b) <= 1e-5 * max(1, abs(a))) }
            return evaluation
        }
        var before = compare()
        for name in ["e.weight", "lstm.weight_ih", "gru.bias_hh"] {
            let p = try #require(graph.namedParameters.first { $0.name == name }).parameter
            for i in 0..<p.value.count { p.value[i] += random.uniform(-0.3, 0.3) }
            let after = compare()
            #expect(after != before)
            before = after
        }
    }
}
