import DLTCore
import DLTNN
import DLTTrain
import Testing

/// A graph that runs each ReLU layer inside the batchnorm or add before it must give the same
/// bits as one that runs them apart: outputs, every parameter gradient (the convs' and dense's
/// through both), the batch split over threads, a three-input add and batchnorm on vectors.
@Suite struct ReluFusionTests {
    private func makeGraph(fuses: Bool) throws -> Graph {
        let graph = Graph(inputShape: [2, 7, 6])
        graph.fusesLayers = fuses
        let stem = try graph.append(Conv2D(name: "stem", filters: 3, kernel: (3, 3), padding: .same), inputs: [.modelInput])
        let c1 = try graph.append(Conv2D(name: "c1", filters: 3, kernel: (3, 3), padding: .same), inputs: [.node(stem)])
        let b1 = try graph.append(BatchNorm(name: "b1"), inputs: [.node(c1)])
        let r1 = try graph.append(ActivationLayer(name: "r1", activation: .relu), inputs: [.node(b1)])
        let c2 = try graph.append(Conv2D(name: "c2", filters: 3, kernel: (3, 3), padding: .same), inputs: [.node(r1)])
        let b2 = try graph.append(BatchNorm(name: "b2"), inputs: [.node(c2)])
        let sum = try graph.append(Add(name: "sum"), inputs: [.node(b2), .node(stem), .node(c1)])
        let out = try graph.append(ActivationLayer(name: "out", activation: .relu), inputs: [.node(sum)])
        let flat = try graph.append(Flatten(name: "flat"), inputs: [.node(out)])
        let d = try graph.append(Dense(name: "d", units: 6), inputs: [.node(flat)])
        let b3 = try graph.append(BatchNorm(name: "b3"), inputs: [.node(d)])
        let r3 = try graph.append(ActivationLayer(name: "r3", activation: .relu), inputs: [.node(b3)])
        try graph.append(Dense(name: "head", units: 3), inputs: [.node(r3)])
        var random = SeededRandom(seed: 5)
        graph.initializeParameters(random: &random)
        for (name, p) in graph.namedParameters where p.shape.rank == 1 && !name.hasSuffix("running_var") {
            for i in 0..<p.value.count { p.value[i] = random.uniform(-0.3, 0.3) }
        }
        return graph
    }

    @Test(arguments: [1, 2])
    func fusedAndSeparateGiveTheSameBits(threads: Int) throws {
        let fused = try makeGraph(fuses: true), separate = try makeGraph(fuses: false)
        let a = fused.fusionProbe(threads: threads), b = separate.fusionProbe(threads: threads)
        #expect(fused.absorbedLayers == ["r1", "out", "r3"])
        #expect(separate.absorbedLayers.isEmpty)
        #expect(a.output == b.output)
        #expect(a.gradients == b.gradients)
        #expect(a.gradients.allSatisfy { g in g.contains { $0 != 0 } })
    }
}
