import DLTCore
import DLTNN
import DLTTrain
import Testing

/// A graph that runs global_avgpool1d inside the embedding before it (the mean of each sample's
/// rows, EmbeddingBag-style) must give the bits of one that runs them apart: training output and
/// gradients, and inference output, with and without a padding mask, with an out-of-range id,
/// and with the batch split over threads.
@Suite struct EmbeddingMeanFusionTests {
    private static let length = 6

    private func makeGraph(fuses: Bool, maskZero: Bool) throws -> Graph {
        let graph = Graph(inputShape: [Self.length])
        graph.fusesLayers = fuses
        let e = try graph.append(Embedding(name: "e", vocab: 11, dim: 13, maskZero: maskZero), inputs: [.modelInput])
        let pool = try graph.append(GlobalAvgPool1D(name: "pool"), inputs: [.node(e)])
        try graph.append(Dense(name: "head", units: 3), inputs: [.node(pool)])
        var random = SeededRandom(seed: 3)
        graph.initializeParameters(random: &random)
        return graph
    }

    /// Five sequences: full, padded at the end, all padding, a zero inside, an id past the vocabulary.
    private let ids: [Float] = [3, 1, 4, 1, 5, 9,
                                2, 6, 5, 0, 0, 0,
                                0, 0, 0, 0, 0, 0,
                                7, 0, 8, 10, 0, 0,
                                4, 12, 4, -1, 2, 3]

    private func probe(_ graph: Graph, threads: Int) -> (output: [Float], gradients: [[Float]], inference: [Float]) {
        let input = Tensor(shape: [5, Self.length], values: ids)
        let split = ThreadSplit(threads: threads)
        graph.zeroGradients()
        let output = graph.forward(input, context: LayerContext(split: split, training: true)).array
        let dy = graph.outputGradient.pointer
        for i in 0..<graph.outputGradient.count { dy[i] = Float(i % 7) * 0.25 - 0.75 }
        graph.backward(input: input, context: LayerContext(split: split, training: true))
        let gradients = graph.namedParameters.map { $0.parameter.gradient.array }
        let inference = graph.forward(input, context: LayerContext(split: split, training: false, inferenceOnly: true)).array
        return (output, gradients, inference)
    }

    @Test(arguments: [(1, false), (2, false), (1, true), (2, true)])
    func fusedAndSeparateGiveTheSameBits(threads: Int, maskZero: Bool) throws {
        let fused = try makeGraph(fuses: true, maskZero: maskZero)
        let separate = try makeGraph(fuses: false, maskZero: maskZero)
        let a = probe(fused, threads: threads), b = probe(separate, threads: threads)
        #expect(fused.absorbedLayers == ["pool"])
        #expect(separate.absorbedLayers.isEmpty)
        #expect(a.output == b.output)
        #expect(a.inference == b.inference)
        #expect(a.inference == a.output)
        #expect(a.gradients == b.gradients)
        #expect(a.gradients.allSatisfy { g in g.contains { $0 != 0 } })
        // The all-padding sequence's mean is 0 with a mask, and its rows' mean without.
        let third = Array(a.output[6..<9]), bias = fused.namedParameters.last!.parameter.value.array
        #expect((third == bias) == maskZero)
    }
}
