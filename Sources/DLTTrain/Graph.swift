import DLTCore
import DLTNN

/// A model as a DAG of layers in topological order. Node 0's inputs refer to the model input
/// (index -1). The graph owns one activation and one gradient buffer per node, planned for a
/// batch size and reused for every step of that size.
public final class Graph {
    public struct Node {
        public let layer: Layer
        /// Producer node of each input; -1 is the model input.
        public let inputs: [Int]
        /// Per-sample output shape.
        public let outputShape: Shape
    }

    public let inputShape: Shape
    public private(set) var nodes: [Node] = []
    /// The activation moved out of the last layer into a fused loss (softmax for cross-entropy,
    /// sigmoid for binary cross-entropy); applied by `probabilities(_:)` at inference.
    public private(set) var outputActivation: Activation = .identity

    private var activations: [Tensor] = []
    private var gradients: [Tensor] = []
    /// Per node and input slot, a gradient buffer for edges from nodes read more than once
    /// (by several layers, or twice by one): each edge writes its own, and they are summed.
    private var edgeGradients: [[Tensor?]] = []
    private var consumerCount: [Int] = []
    /// Whether a node's output gradient is needed (some layer at or before it has trainable parameters).
    private var needsGradient: [Bool] = []
    /// Reshape nodes whose output shares its input node's memory, and those whose gradient also
    /// shares it (when the input node has no other reader). Those layers are not run.
    private var sharesActivation: [Bool] = []
    private var sharesGradient: [Bool] = []
    /// Per node, the tensors passed to forward/backward as inputs and as input gradients, built
    /// once so that a step allocates no arrays. Slots reading the model input are filled with
    /// the current input tensor at each call (`placeInput`).
    private var nodeInputs: [[Tensor]] = []
    private var gradientTargets: [[Tensor?]] = []
    /// Conv nodes that run the max pool after them (`Conv2D.fusePooling`), and those pool nodes,
    /// which are then not called: the conv writes the pool's output and reads its gradient.
    private var runsPool: [Bool] = []
    private var pooledByPrevious: [Bool] = []
    /// Backward's record of which nodes' output gradients are filled in; kept to avoid an array per step.
    private var written: [Bool] = []
    /// Whether the graph fuses conv + max pool when it first plans (on by default; the tests
    /// turn it off to compare).
    public var fusesConvAndPool = true
    private var plannedBatch = -1
    /// When set, forward and backward add each layer's wall time into it (`dlt bench`).
    public var timer: LayerTimer?

    public init(inputShape: Shape) { self.inputShape = inputShape }

    /// Appends a layer reading `inputs` (node indices, -1 = model input); builds it and returns its index.
    @discardableResult
    public func append(_ layer: Layer, inputs: [Int]) throws -> Int {
        let shapes = inputs.map { $0 < 0 ? inputShape : nodes[$0].outputShape }
        let shape = try layer.build(inputShapes: shapes)
        if shape.dims.contains(where: { $0 <= 0 }) {
            throw EngineError("layer '\(layer.name)' (\(layer.typeName)) would output an empty shape \(shape) from input \(shapes.map(\.description).joined(separator: ", "))")
        }
        nodes.append(Node(layer: layer, inputs: inputs, outputShape: shape))
        plannedBatch = -1
        return nodes.count - 1
    }

    public var outputShape: Shape { nodes.last?.outputShape ?? inputShape }
    public var layers: [Layer] { nodes.map(\.layer) }

    /// Every parameter as ("<layer>.<param>", parameter), in layer order: the checkpoint's names.
    public var namedParameters: [(name: String, parameter: Parameter)] {
        nodes.flatMap { node in node.layer.parameters.map { ("\(node.layer.name).\($0.name)", $0) } }
    }

    /// Removes a final softmax (or sigmoid) so a fused, stable loss can take logits.
    public func moveOutputActivationIntoLoss(_ activation: Activation) {
        guard let last = nodes.last?.layer else { return }
        if let dense = last as? Dense, dense.activation == activation {
            dense.activation = .identity
        } else if let conv = last as? Conv2D, conv.activation == activation {
            conv.activation = .identity
        } else if let layer = last as? ActivationLayer, layer.activation == activation {
            layer.activation = .identity
        } else {
            return
        }
        outputActivation = activation
    }

    /// Draws every parameter's first values from `random`, in layer order.
    public func initializeParameters(random: inout SeededRandom) {
        for node in nodes {
            if let layer = node.layer as? InitializableLayer {
                for p in layer.parameterInits {
                    p.initializer.fill(p.parameter.value, fanIn: p.fanIn, fanOut: p.fanOut, random: &random)
                }
            }
        }
    }

    private func plan(batch: Int) {
        if batch == plannedBatch { return }
        if activations.count != nodes.count {
            activations = nodes.map { _ in Tensor(shape: [0]) }
            gradients = nodes.map { _ in Tensor(shape: [0]) }
            consumerCount = Array(repeating: 0, count: nodes.count)
            for node in nodes { for i in node.inputs where i >= 0 { consumerCount[i] += 1 } }
            edgeGradients = nodes.map { node in node.inputs.map { $0 >= 0 && consumerCount[$0] > 1 ? Tensor(shape: [0]) : nil } }
            needsGradient = []
            for node in nodes {
                let own = node.layer.parameters.contains { $0.isTrainable }
                needsGradient.append(own || node.inputs.contains { $0 >= 0 && needsGradient[$0] })
            }
            sharesActivation = nodes.map { $0.layer.isReshape && $0.inputs.count == 1 }
            // The model input needs no gradient; a reshape of it shares only the activation.
            sharesGradient = nodes.indices.map { i in
                let j = nodes[i].inputs.first ?? -1
                return sharesActivation[i] && j >= 0 && consumerCount[j] == 1
            }
            written = Array(repeating: false, count: nodes.count)
            runsPool = Array(repeating: false, count: nodes.count)
            pooledByPrevious = runsPool
            for i in nodes.indices.dropLast() where fusesConvAndPool && consumerCount[i] == 1 && nodes[i + 1].inputs == [i] {
                if let conv = nodes[i].layer as? Conv2D, let pool = nodes[i + 1].layer as? MaxPool2D, conv.fusePooling(pool) {
                    runsPool[i] = true
                    pooledByPrevious[i + 1] = true
                }
            }
            let placeholder = Tensor(shape: [0])
            nodeInputs = nodes.map { node in node.inputs.map { $0 < 0 ? placeholder : activations[$0] } }
            gradientTargets = nodes.indices.map { i in
                nodes[i].inputs.enumerated().map { k, j in j < 0 || !needsGradient[j] ? nil : edgeGradients[i][k] ?? gradients[j] }
            }
        }
        for (i, node) in nodes.enumerated() {
            // A conv that runs its pool never stores its own output or gradient.
            let shape = runsPool[i] ? Shape([0]) : node.outputShape.batched(batch)
            activations[i].resize(to: shape)
            gradients[i].resize(to: shape)
        }
        // In node order, so a reshape of a reshape sees its input already shared. A reshape of the
        // model input shares it in `forward`, since the input tensor can change from call to call.
        for (i, node) in nodes.enumerated() {
            let shape = node.outputShape.batched(batch)
            if sharesActivation[i] && node.inputs[0] >= 0 { activations[i].share(activations[node.inputs[0]], shape: shape) }
            if sharesGradient[i] { gradients[i].share(gradients[node.inputs[0]], shape: shape) }
        }
        for (i, node) in nodes.enumerated() {
            for (k, j) in node.inputs.enumerated() { edgeGradients[i][k]?.resize(to: nodes[j].outputShape.batched(batch)) }
        }
        plannedBatch = batch
    }

    /// Runs the model on `input` (N, inputShape); returns the last node's output (logits when an
    /// output activation was moved into the loss). The returned tensor is reused by the next call.
    public func forward(_ input: Tensor, context: LayerContext) -> Tensor {
        let batch = input.shape[0]
        plan(batch: batch)
        for (i, node) in nodes.enumerated() {
            if sharesActivation[i] {
                if node.inputs[0] < 0 { activations[i].share(input, shape: node.outputShape.batched(batch)) }
                continue
            }
            if pooledByPrevious[i] { continue }
            placeInput(input, node: i)
            let ins = nodeInputs[i], output = runsPool[i] ? activations[i + 1] : activations[i]
            if let timer {
                let start = LayerTimer.now()
                node.layer.forward(inputs: ins, output: output, context: context)
                timer.forwardSeconds[i] += LayerTimer.now() - start
            } else {
                node.layer.forward(inputs: ins, output: output, context: context)
            }
        }
        return activations[nodes.count - 1]
    }

    /// Puts `input` into node i's model-input slots; in place, so no array is made.
    @inline(__always)
    private func placeInput(_ input: Tensor, node i: Int) {
        for (k, j) in nodes[i].inputs.enumerated() where j < 0 && nodeInputs[i][k] !== input { nodeInputs[i][k] = input }
    }

    /// The last forward's output.
    public var outputTensor: Tensor { activations[nodes.count - 1] }

    /// The buffer the loss writes dLoss/dOutput into, for the last forward's batch.
    public var outputGradient: Tensor { gradients[nodes.count - 1] }

    /// Back-propagates `outputGradient` through every node; parameter gradients accumulate.
    public func backward(input: Tensor, context: LayerContext) {
        for i in written.indices { written[i] = false }
        written[nodes.count - 1] = true
        for i in stride(from: nodes.count - 1, through: 0, by: -1) {
            let node = nodes[i]
            guard written[i] else { continue }   // nothing downstream needs this node
            if sharesGradient[i] || pooledByPrevious[i] {
                // The gradient is already in the input node's buffer, or the conv before this
                // pool reads this node's gradient itself.
                let j = node.inputs[0]
                if needsGradient[j] { written[j] = true }
                continue
            }
            placeInput(input, node: i)
            let ins = nodeInputs[i], targets = gradientTargets[i]
            let fused = runsPool[i]
            let start = timer == nil ? 0 : LayerTimer.now()
            node.layer.backward(inputs: ins, output: fused ? activations[i + 1] : activations[i],
                                outputGradient: fused ? gradients[i + 1] : gradients[i],
                                inputGradients: targets, context: context)
            if let timer { timer.backwardSeconds[i] += LayerTimer.now() - start }
            for (k, j) in node.inputs.enumerated() where j >= 0 && needsGradient[j] {
                if let edge = edgeGradients[i][k] {
                    if written[j] {
                        let g = gradients[j].pointer, e = edge.pointer
                        for n in 0..<gradients[j].count { g[n] += e[n] }
                    } else {
                        gradients[j].copy(from: edge)
                    }
                }
                written[j] = true
            }
        }
    }

    /// Sets every parameter gradient to zero (before each step).
    public func zeroGradients() {
        for node in nodes { for p in node.layer.parameters where p.isTrainable { p.gradient.zero() } }
    }

    /// Where a non-finite value first shows: the first layer (in forward order) whose output holds
    /// NaN or infinity, else the last layer (in backward order) with a non-finite parameter gradient.
    public func firstNonFiniteLayer() -> String? {
        // A conv that runs its pool has no output of its own: the pool's output stands for both.
        for (i, node) in nodes.enumerated() where !Graph.isFinite(runsPool[i] ? activations[i + 1] : activations[i]) {
            return node.layer.name
        }
        for node in nodes.reversed() {
            for p in node.layer.parameters where p.isTrainable && !Graph.isFinite(p.gradient) { return node.layer.name }
        }
        return nil
    }

    static func isFinite(_ t: Tensor) -> Bool {
        Elementwise.sumOfSquares(t.pointer, count: t.count).isFinite
    }

    /// Applies the output activation moved into the loss, in place: logits -> probabilities.
    public func probabilities(_ output: Tensor) {
        let perSample = outputShape.count
        outputActivation.apply(output.pointer, count: output.count,
                               channels: outputShape.dims.first ?? perSample,
                               inner: perSample / max(outputShape.dims.first ?? perSample, 1))
    }
}
