import DLTCore
import DLTNN
import DLTTestSupport
import DLTTrain
import Testing

/// A node read by several layers receives the sum of the gradients of every path (the residual
/// shortcut case). Checked against central finite differences of the loss through `Graph.forward`.
@Suite struct GraphFanOutGradientTests {
    /// The test loss L = Σ w ⊙ y over the graph output y (N, outputs), so dL/dy = w.
    private func loss(_ graph: Graph, input: Tensor, weights: [Float], context: LayerContext) -> Double {
        let y = graph.forward(input, context: context)
        return zip(y.array, weights).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }

    /// Compares every parameter gradient from `backward` with the shared finite-difference checker.
    private func checkGradients(_ graph: Graph, seed: UInt64, sourceLocation: SourceLocation = #_sourceLocation) {
        var random = SeededRandom(seed: seed)
        graph.initializeParameters(random: &random)
        let batch = 2
        let shape = graph.inputShape.batched(batch)
        let input = Tensor(shape: shape, values: (0..<shape.count).map { Float($0 % 5) * 0.3 - 0.6 })
        let outputs = graph.outputShape.count * batch
        let weights = (0..<outputs).map { Float($0 % 3) - 0.7 }
        let context = LayerContext(split: ThreadSplit(threads: 1), training: false)

        graph.zeroGradients()
        _ = graph.forward(input, context: context)
        let dy = graph.outputGradient.pointer
        for i in 0..<outputs { dy[i] = weights[i] }
        graph.backward(input: input, context: context)

        var report = GradientReport()
        let differences = FiniteDifference(step: 1e-2, relativeTolerance: 1e-2, absoluteTolerance: 2e-3)
        for (name, parameter) in graph.namedParameters where parameter.isTrainable {
            differences.check(parameter.value, analytic: parameter.gradient.array, name: name,
                              loss: { loss(graph, input: input, weights: weights, context: context) }, report: &report)
        }
        report.expectCorrect("graph", sourceLocation: sourceLocation)
        #expect(report.checked > 0, sourceLocation: sourceLocation)
    }

    /// a = tanh(Dense(x)); b = tanh(Dense(a)); s = a + b; y = Dense(s). `a` feeds both `b` and `s`.
    @Test func residualShortcutSumsBothPaths() throws {
        let graph = Graph(inputShape: [3])
        let a = try graph.append(Dense(name: "a", units: 4, activation: .tanh), inputs: [.modelInput])
        let b = try graph.append(Dense(name: "b", units: 4, activation: .tanh), inputs: [.node(a)])
        let sum = try graph.append(Add(name: "sum"), inputs: [.node(b), .node(a)])
        try graph.append(Dense(name: "head", units: 2), inputs: [.node(sum)])
        checkGradients(graph, seed: 7)
    }

    /// s = a + a: one layer reads the same node twice, so dL/da = 2 dL/ds.
    @Test func sameNodeReadTwiceByOneLayerDoublesGradient() throws {
        let graph = Graph(inputShape: [3])
        let a = try graph.append(Dense(name: "a", units: 4, activation: .tanh), inputs: [.modelInput])
        let sum = try graph.append(Add(name: "sum"), inputs: [.node(a), .node(a)])
        try graph.append(Dense(name: "head", units: 2), inputs: [.node(sum)])
        checkGradients(graph, seed: 11)
    }

    /// Three consumers of one node (two dense branches and the shortcut), joined by one add.
    @Test func threeConsumersOfOneNode() throws {
        let graph = Graph(inputShape: [3])
        let a = try graph.append(Dense(name: "a", units: 4, activation: .tanh), inputs: [.modelInput])
        let left = try graph.append(Dense(name: "left", units: 4, activation: .sigmoid), inputs: [.node(a)])
        let right = try graph.append(Dense(name: "right", units: 4, activation: .tanh), inputs: [.node(a)])
        let sum = try graph.append(Add(name: "sum"), inputs: [.node(left), .node(right), .node(a)])
        try graph.append(Dense(name: "head", units: 2), inputs: [.node(sum)])
        checkGradients(graph, seed: 13)
    }

    /// Reshape of a reshape: both outputs and both gradients share the dense layer's buffers
    /// (neither layer runs), and the flatten of the model input shares the input tensor.
    @Test func chainedReshapesShareMemoryAndPassGradients() throws {
        let graph = Graph(inputShape: [2, 3])
        let flat = try graph.append(Flatten(name: "flat_in"), inputs: [.modelInput])
        let a = try graph.append(Dense(name: "a", units: 6, activation: .tanh), inputs: [.node(flat)])
        let grid = try graph.append(Reshape(name: "grid", shape: [3, 2]), inputs: [.node(a)])
        let back = try graph.append(Flatten(name: "back"), inputs: [.node(grid)])
        try graph.append(Dense(name: "head", units: 2), inputs: [.node(back)])
        checkGradients(graph, seed: 17)
    }

    /// A node read by two reshapes: the outputs share its memory but the gradients cannot
    /// (each edge has its own, summed), so the reshape layers' backward runs.
    @Test func reshapesOfANodeWithTwoReadersKeepTheirOwnGradients() throws {
        let graph = Graph(inputShape: [3])
        let a = try graph.append(Dense(name: "a", units: 6, activation: .tanh), inputs: [.modelInput])
        let left = try graph.append(Reshape(name: "left", shape: [2, 3]), inputs: [.node(a)])
        let right = try graph.append(Reshape(name: "right", shape: [3, 2]), inputs: [.node(a)])
        let l = try graph.append(Flatten(name: "l"), inputs: [.node(left)])
        let r = try graph.append(Dense(name: "r", units: 6, activation: .sigmoid), inputs: [.node(try graph.append(Flatten(name: "rf"), inputs: [.node(right)]))])
        let sum = try graph.append(Add(name: "sum"), inputs: [.node(l), .node(r)])
        try graph.append(Dense(name: "head", units: 2), inputs: [.node(sum)])
        checkGradients(graph, seed: 19)
    }
}
