import DLTCore
import DLTNN

/// Sees (and may rewrite in place) each node's output during `Graph.forward`.
public protocol NodeOutputObserver: AnyObject {
    func observe(node: Int, output: Tensor)
}

/// A model as a DAG of layers in topological order. The graph owns one activation and one
/// gradient buffer per node (its `NodePlan`), planned for a batch size and reused for every
/// step of that size.
public final class Graph {
    /// Where a node's input comes from.
    public enum NodeInput: Equatable, Sendable {
        case modelInput
        /// The output of node k (an earlier node).
        case node(Int)
    }

    public struct Node {
        public let layer: Layer
        public let inputs: [NodeInput]
        /// Per-sample output shape.
        public let outputShape: Shape
    }

    public let inputShape: Shape
    public private(set) var nodes: [Node] = []
    /// The activation moved out of the last layer into a fused loss (softmax for cross-entropy,
    /// sigmoid for binary cross-entropy); applied by `probabilities(_:)` at inference.
    public private(set) var outputActivation: Activation = .identity
    /// Whether layers may run the layer after them when the graph first plans (on by default;
    /// the tests turn it off to compare).
    public var fusesLayers = true
    /// When set, forward and backward add each layer's wall time into it (`dlt bench`).
    public var timer: LayerTimer?
    /// When set, forward hands it each node's output once written (`dlt quantize`'s calibration
    /// and int8 simulation); set `fusesLayers` false first so that every node has its own output.
    public var outputObserver: NodeOutputObserver?

    /// One per node, made when the graph first runs, for training and evaluation passes that
    /// backward may follow, and for inference-only passes (`LayerContext.inferenceOnly`).
    private var trainingPlans = PlanSet(inference: false)
    private var inferencePlans = PlanSet(inference: true)
    /// The plans of the last forward: what `outputTensor` and `firstNonFiniteLayer` read.
    private var plans: [NodePlan] = []

    /// The node plans of one kind and the batch size their buffers are sized for.
    private struct PlanSet {
        let inference: Bool
        var nodes: [NodePlan] = []
        var batch = -1
        init(inference: Bool) { self.inference = inference }
    }

    public init(inputShape: Shape) { self.inputShape = inputShape }

    /// Appends a layer reading `inputs`; builds it (shape inference) and returns its node index.
    @discardableResult
    public func append(_ layer: Layer, inputs: [NodeInput]) throws -> Int {
        let shapes = inputs.map { source -> Shape in
            switch source {
            case .modelInput: return inputShape
            case .node(let k): return nodes[k].outputShape
            }
        }
        let shape = try layer.build(inputShapes: shapes)
        if shape.dims.contains(where: { $0 <= 0 }) {
            throw EngineError("layer '\(layer.name)' (\(layer.typeName)) would output an empty shape \(shape) from input \(shapes.map(\.description).joined(separator: ", "))")
        }
        nodes.append(Node(layer: layer, inputs: inputs, outputShape: shape))
        discardPlans()
        return nodes.count - 1
    }

    public var outputShape: Shape { nodes.last?.outputShape ?? inputShape }
    public var layers: [Layer] { nodes.map(\.layer) }

    /// Every parameter as ("<layer>.<param>", parameter), in layer order: the checkpoint's names.
    public var namedParameters: [(name: String, parameter: Parameter)] {
        nodes.flatMap { node in node.layer.parameters.map { ("\(node.layer.name).\($0.name)", $0) } }
    }

    /// The layers that read the model input as token ids, with the id bound each needs.
    public var tokenInputs: [TrainingData.TokenInput] {
        nodes.compactMap { node in
            guard node.inputs.contains(.modelInput), let reader = node.layer as? TokenInputLayer else { return nil }
            return (reader.name, reader.vocabularySize)
        }
    }

    /// The layers run inside the layer before them (none until the graph first runs).
    public var absorbedLayers: [String] {
        zip(nodes, plans).compactMap { node, plan in plan.fusion == .runByEarlier ? node.layer.name : nil }
    }

    /// The layers the last pass ran as copies that read token ids (inference plans only).
    public var tokenReadingLayers: [String] {
        zip(nodes, plans).compactMap { node, plan in plan.tokenReader == nil ? nil : node.layer.name }
    }

    /// Removes a final softmax (or sigmoid) so a fused, stable loss can take logits.
    public func moveOutputActivationIntoLoss(_ activation: Activation) {
        guard let last = nodes.last?.layer as? OutputActivationLayer, last.activation == activation else { return }
        last.activation = .identity
        outputActivation = activation
        discardPlans()
    }

    private func discardPlans() {
        trainingPlans = PlanSet(inference: false)
        inferencePlans = PlanSet(inference: true)
        plans = []
    }

    /// Draws every parameter's first values from `random`, in layer order.
    public func initializeParameters(random: inout SeededRandom) {
        for node in nodes {
            guard let layer = node.layer as? InitializableLayer else { continue }
            for p in layer.parameterInits {
                p.initializer.fill(p.parameter.value, fanIn: p.fanIn, fanOut: p.fanOut, random: &random)
            }
        }
    }

    /// Makes the node plans (fusions, views, masks) without sizing buffers: what an export
    /// needs to see the model as it runs.
    public func preparePlans() {
        if trainingPlans.nodes.count != nodes.count { trainingPlans.nodes = makePlans(inference: false) }
    }

    /// Makes `plans` the set for this pass, sized for `batch`.
    private func plan(batch: Int, inference: Bool) {
        if inference { plan(&inferencePlans, batch: batch) } else { plan(&trainingPlans, batch: batch) }
    }

    private func plan(_ set: inout PlanSet, batch: Int) {
        if set.nodes.count != nodes.count { set.nodes = makePlans(inference: set.inference) }
        if set.batch != batch {
            resizeBuffers(set.nodes, batch: batch, inference: set.inference)
            set.batch = batch
        }
        plans = set.nodes
    }

    /// The tensor node i's layer writes: its own output, or its last follower's when it runs them.
    @inline(__always)
    private func producedOutput(_ i: Int) -> Tensor {
        if case .runsFollowers(let k) = plans[i].fusion { return plans[i + k].activation }
        return plans[i].activation
    }

    /// The gradient node i's layer reads, following `producedOutput`.
    @inline(__always)
    private func producedGradient(_ i: Int) -> Tensor {
        if case .runsFollowers(let k) = plans[i].fusion { return plans[i + k].gradient }
        return plans[i].gradient
    }

    /// Runs the model on `input` (N, inputShape); returns the last node's output (logits when an
    /// output activation was moved into the loss). The returned tensor is reused by the next call.
    public func forward(_ input: Tensor, context: LayerContext) -> Tensor {
        let batch = input.shape[0]
        plan(batch: batch, inference: context.inferenceOnly)
        for (i, node) in nodes.enumerated() {
            let plan = plans[i]
            if plan.view != .none {
                if node.inputs[0] == .modelInput { plan.activation.share(input, shape: node.outputShape.batched(batch)) }
                continue
            }
            if plan.fusion == .runByEarlier { continue }
            placeInput(input, node: i)
            let start = timer == nil ? 0 : LayerTimer.now()
            var layer = plan.tokenReader ?? node.layer
            if let folded = plan.folded {
                // Refolded every pass: the source's weights may have been trained since.
                folded.affine.inferenceAffine(scale: folded.scale.pointer, shift: folded.shift.pointer)
                folded.layer.refold(scale: folded.scale.pointer, shift: folded.shift.pointer)
                layer = folded.layer
            }
            layer.forward(inputs: plan.forwardInputs, output: producedOutput(i), context: context)
            if let timer { timer.forwardSeconds[i] += LayerTimer.now() - start }
            outputObserver?.observe(node: i, output: plan.activation)
        }
        return plans[nodes.count - 1].activation
    }

    /// Puts `input` into node i's model-input slots; in place, so no array is made.
    @inline(__always)
    private func placeInput(_ input: Tensor, node i: Int) {
        let plan = plans[i]
        for (k, source) in plan.inputs.enumerated() where source == .modelInput && plan.forwardInputs[k] !== input {
            plan.forwardInputs[k] = input
        }
    }

    /// The last forward's output.
    public var outputTensor: Tensor { plans[nodes.count - 1].activation }

    /// The buffer the loss writes dLoss/dOutput into, for the last forward's batch.
    public var outputGradient: Tensor { plans[nodes.count - 1].gradient }

    /// Back-propagates `outputGradient` through every node; parameter gradients accumulate.
    public func backward(input: Tensor, context: LayerContext) {
        precondition(!context.inferenceOnly && plans.first === trainingPlans.nodes.first,
                     "backward follows a forward that was not inference-only")
        for plan in plans { plan.gradientWritten = false }
        plans[nodes.count - 1].gradientWritten = true
        for i in stride(from: nodes.count - 1, through: 0, by: -1) {
            let plan = plans[i], node = nodes[i]
            guard plan.gradientWritten else { continue }   // nothing downstream needs this node
            if plan.view == .sharesActivationAndGradient || plan.fusion == .runByEarlier {
                // The gradient is already in the input node's buffer, or the node before this one
                // reads this node's gradient itself.
                if case .node(let j) = node.inputs[0], plans[j].needsGradient { plans[j].gradientWritten = true }
                continue
            }
            placeInput(input, node: i)
            let start = timer == nil ? 0 : LayerTimer.now()
            node.layer.backward(inputs: plan.forwardInputs, output: producedOutput(i), outputGradient: producedGradient(i),
                                inputGradients: plan.gradientTargets, context: context)
            if let timer { timer.backwardSeconds[i] += LayerTimer.now() - start }
            collectEdgeGradients(of: i)
        }
    }

    /// Adds node i's per-edge input gradients into their producers' gradients, and marks the
    /// producers it wrote.
    private func collectEdgeGradients(of i: Int) {
        for (k, source) in nodes[i].inputs.enumerated() {
            guard case .node(let j) = source, plans[j].needsGradient else { continue }
            if let edge = plans[i].edgeGradients[k] {
                let gradient = plans[j].gradient
                if plans[j].gradientWritten {
                    let g = gradient.pointer, e = edge.pointer
                    for n in 0..<gradient.count { g[n] += e[n] }
                } else {
                    gradient.copy(from: edge)
                }
            }
            plans[j].gradientWritten = true
        }
    }

    /// Sets every parameter gradient to zero (before each step).
    public func zeroGradients() {
        for node in nodes { for p in node.layer.parameters where p.isTrainable { p.gradient.zero() } }
    }

    /// Where a non-finite value first shows: the first layer (in forward order) whose output holds
    /// NaN or infinity, else the last layer (in backward order) with a non-finite parameter gradient.
    public func firstNonFiniteLayer() -> String? {
        // A node that runs its follower has no output of its own: the follower's stands for both.
        for (i, node) in nodes.enumerated() where !Graph.isFinite(producedOutput(i)) {
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
