import DLTCore
import DLTNN
import DLTTrain
import Testing

/// A graph that runs each plain 2x2 max pool inside the conv before it must give the same bits
/// as one that runs the two layers apart: outputs, every parameter gradient, the input gradient
/// path (the second conv's dX), with odd rows and columns that the pools drop, a ReLU and a
/// linear conv, and the batch split over threads.
@Suite struct ConvPoolFusionTests {
    /// Few filters run Conv2D's shifted-plane path both ways; more than 32 on these small planes
    /// its im2col path in backward. Both absorb the pool.
    private func makeGraph(fuses: Bool, filters: (Int, Int)) throws -> Graph {
        let graph = Graph(inputShape: [3, 11, 13])
        graph.fusesLayers = fuses
        let c0 = try graph.append(Conv2D(name: "c0", filters: filters.0, kernel: (3, 3), activation: .relu), inputs: [.modelInput])
        let p0 = try graph.append(MaxPool2D(name: "p0", size: (2, 2)), inputs: [.node(c0)])
        let c1 = try graph.append(Conv2D(name: "c1", filters: filters.1, kernel: (2, 2), padding: .same), inputs: [.node(p0)])
        let p1 = try graph.append(MaxPool2D(name: "p1", size: (2, 2)), inputs: [.node(c1)])
        let flat = try graph.append(Flatten(name: "flat"), inputs: [.node(p1)])
        try graph.append(Dense(name: "head", units: 3), inputs: [.node(flat)])
        var random = SeededRandom(seed: 5)
        graph.initializeParameters(random: &random)
        // Biases start at zero; give them values so that a bias left out would show.
        for (_, p) in graph.namedParameters where p.shape.rank == 1 {
            for i in 0..<p.value.count { p.value[i] = random.uniform(-0.3, 0.3) }
        }
        return graph
    }

    @Test(arguments: [1, 2], [(4, 5), (33, 34)])
    func fusedAndSeparateGiveTheSameBits(threads: Int, filters: (Int, Int)) throws {
        let fused = try makeGraph(fuses: true, filters: filters), separate = try makeGraph(fuses: false, filters: filters)
        let a = fused.fusionProbe(threads: threads), b = separate.fusionProbe(threads: threads)
        #expect(fused.absorbedLayers == ["p0", "p1"])
        #expect(separate.absorbedLayers.isEmpty)
        #expect(a.output == b.output)
        #expect(a.gradients == b.gradients)
        #expect(a.gradients.allSatisfy { g in g.contains { $0 != 0 } })
    }
}
