import DLTCore
import DLTNN

/// What the graph keeps and decides for one node: its activation and gradient buffers, how it
/// runs (on its own, as a view of its input, or inside the node before it) and the tensor arrays
/// its layer is called with, built once so that a step allocates nothing.
final class NodePlan {
    /// How a node's output relates to its input's memory.
    enum View {
        /// The node runs and owns its output.
        case none
        /// A reshape: the output is the input's memory under another shape; the layer never runs.
        case sharesActivation
        /// Also the gradient, when the input node has no other reader.
        case sharesActivationAndGradient
    }

    /// Whether a node runs other nodes' work (`AbsorbingLayer`; in inference plans also
    /// `AffineFoldingLayer`).
    enum Fusion: Equatable {
        case none
        /// Runs the next k nodes inside itself: writes the last one's output (and in training
        /// reads its gradient), storing nothing of its own.
        case runsFollowers(Int)
        /// Run by a node before it; never called.
        case runByEarlier
    }

    let activation = Tensor(shape: [0])
    let gradient = Tensor(shape: [0])
    /// Per input slot: for an edge from a node read more than once (by several layers, or twice
    /// by one), a buffer of its own, summed into the producer's gradient; nil otherwise.
    var edgeGradients: [Tensor?] = []
    /// How many input slots of later nodes read this node.
    var readers = 0
    /// Whether this node's output gradient is needed (it or a node before it has trainable parameters).
    var needsGradient = false
    var view = View.none
    var fusion = Fusion.none
    /// The tensors the layer's forward reads; model-input slots are filled at each call.
    var forwardInputs: [Tensor] = []
    /// Where backward writes each input's gradient; nil where none is needed.
    var gradientTargets: [Tensor?] = []
    /// Backward's record of whether this node's output gradient is filled in this step.
    var gradientWritten = false
    /// The (N, L) padding mask of this node's output sequence, if any (`SequenceMaskProducer`).
    var outputMask: Tensor?
    /// Inference plans: the folded layer run instead of this node's own, the affine map it
    /// folds (refolded before each run) and that map's per-channel scale and shift.
    var folded: (layer: AffineFoldedLayer, affine: ChannelAffineAtInference, scale: Tensor, shift: Tensor)?
    /// The node whose output a folded residual add sums in: passed as the layer's second input.
    var residual: Int?
    /// Inference plans: a copy of the layer run in its place that reads the token ids of the
    /// embedding before it (`TokenTableReadingLayer`).
    var tokenReader: Layer?
    /// What the layer reads: the node's inputs, or the embedding's for a `tokenReader`.
    var inputs: [Graph.NodeInput] = []
}

extension Graph {
    /// The plans for the current nodes: readers, gradient needs, views, fusions and buffers.
    /// An inference plan (no backward follows) keeps no gradients, skips layers that are the
    /// identity in evaluation mode and folds conv + batchnorm (+ activation).
    func makePlans(inference: Bool) -> [NodePlan] {
        let plans = nodes.map { _ in NodePlan() }
        for node in nodes { for case .node(let j) in node.inputs { plans[j].readers += 1 } }
        for (i, node) in nodes.enumerated() {
            let plan = plans[i]
            plan.inputs = node.inputs
            let ownParameters = node.layer.parameters.contains { $0.isTrainable }
            plan.needsGradient = !inference && (ownParameters || node.inputs.contains { source in
                if case .node(let j) = source { return plans[j].needsGradient }
                return false
            })
            plan.edgeGradients = node.inputs.map { source in
                if !inference, case .node(let j) = source, plans[j].readers > 1 { return Tensor(shape: [0]) }
                return nil
            }
            plan.view = viewKind(of: node, plans: plans, inference: inference)
        }
        if fusesLayers {
            // Folding first: a batchnorm folded into its conv need not absorb its relu.
            if inference {
                foldAffineFollowers(plans)
                readTokensThroughTables(plans)
            }
            fuseFollowers(plans)
        }
        wireSequenceMasks(plans)
        wireLayerArguments(plans)
        return plans
    }

    private func viewKind(of node: Node, plans: [NodePlan], inference: Bool) -> NodePlan.View {
        let identity = node.layer.isReshape || (inference && node.layer is IdentityAtInference)
        guard identity, node.inputs.count == 1 else { return .none }
        // The model input needs no gradient; a reshape of it shares only the activation.
        if case .node(let j) = node.inputs[0], plans[j].readers == 1 { return .sharesActivationAndGradient }
        return .sharesActivation
    }

    /// Asks each absorbing layer to take in the layer after it, where that layer is its only reader.
    private func fuseFollowers(_ plans: [NodePlan]) {
        for i in nodes.indices.dropLast() where plans[i].readers == 1 && nodes[i + 1].inputs == [.node(i)] {
            guard plans[i].fusion == .none, plans[i + 1].fusion == .none, let producer = nodes[i].layer as? AbsorbingLayer,
                  let operation = (nodes[i + 1].layer as? FusibleLayer)?.fusibleOperation,
                  producer.absorb(operation) else { continue }
            plans[i].fusion = .runsFollowers(1)
            plans[i + 1].fusion = .runByEarlier
        }
    }

    /// Inference: a folding layer whose only reader is an affine layer (batchnorm) runs both,
    /// then a residual add of the affine output and an earlier node's, then an activation, then
    /// (without a residual) a layer the folded copy absorbs (a 2x2 max pool), each when it is
    /// the previous one's only reader.
    private func foldAffineFollowers(_ plans: [NodePlan]) {
        for i in nodes.indices.dropLast() where plans[i].fusion == .none && isOnlyReader(i + 1, of: i, plans) {
            guard let producer = nodes[i].layer as? AffineFoldingLayer,
                  let affine = nodes[i + 1].layer as? ChannelAffineAtInference,
                  affine.affineChannels == producer.foldingChannels, plans[i + 1].fusion == .none else { continue }
            var last = i + 1
            let residual = residualAdd(after: last, plans)
            if residual != nil { last += 1 }
            var activation = Activation.identity
            if let standalone = followingActivation(after: last, plans) {
                activation = standalone
                last += 1
            }
            guard let folded = producer.foldedCopy(activation: activation, addsResidual: residual != nil) else { continue }
            if residual == nil, let operation = fusibleOperation(after: last, plans),
               let absorbing = folded as? AbsorbingLayer, absorbing.absorb(operation) {
                last += 1
            }
            let channels = affine.affineChannels
            plans[i].folded = (folded, affine, Tensor(shape: [channels]), Tensor(shape: [channels]))
            plans[i].residual = residual
            plans[i].fusion = .runsFollowers(last - i)
            for k in (i + 1)...last { plans[k].fusion = .runByEarlier }
        }
    }

    /// Inference: a layer that reads an embedding of the model input alone, and can map the
    /// embedding's table through its input weights, runs as a copy that reads the ids. The
    /// embedding still runs, for its mask.
    private func readTokensThroughTables(_ plans: [NodePlan]) {
        for i in nodes.indices.dropLast() where nodes[i].inputs == [.modelInput] && isOnlyReader(i + 1, of: i, plans) {
            guard plans[i].fusion == .none, plans[i + 1].fusion == .none, plans[i + 1].view == .none,
                  let embedding = nodes[i].layer as? TokenTableLayer,
                  let reader = (nodes[i + 1].layer as? TokenTableReadingLayer)?.tokenReadingCopy(of: embedding) else { continue }
            plans[i + 1].tokenReader = reader
            plans[i + 1].inputs = nodes[i].inputs
        }
    }

    /// The other input node of an add of two that reads `node` (its only reader) next, if any.
    private func residualAdd(after node: Int, _ plans: [NodePlan]) -> Int? {
        let next = node + 1
        guard next < nodes.count, plans[node].readers == 1, nodes[next].layer is ElementwiseSumLayer,
              nodes[next].inputs.count == 2, nodes[next].inputs.contains(.node(node)) else { return nil }
        // The model input cannot be a second layer input: its slot is refilled per call.
        for case .node(let other) in nodes[next].inputs where other != node { return other }
        return nil
    }

    /// The activation of a standalone activation layer that reads `node` alone next, if any.
    private func followingActivation(after node: Int, _ plans: [NodePlan]) -> Activation? {
        guard node + 1 < nodes.count, isOnlyReader(node + 1, of: node, plans), plans[node + 1].view == .none,
              let standalone = nodes[node + 1].layer as? StandaloneActivationLayer else { return nil }
        return standalone.activation
    }

    /// The operation of a fusible layer that reads `node` alone next, if any.
    private func fusibleOperation(after node: Int, _ plans: [NodePlan]) -> FusibleOperation? {
        guard node + 1 < nodes.count, isOnlyReader(node + 1, of: node, plans), plans[node + 1].view == .none else { return nil }
        return (nodes[node + 1].layer as? FusibleLayer)?.fusibleOperation
    }

    /// Whether node `reader` reads node `producer` alone and is its only reader.
    private func isOnlyReader(_ reader: Int, of producer: Int, _ plans: [NodePlan]) -> Bool {
        plans[producer].readers == 1 && nodes[reader].inputs == [.node(producer)]
    }

    /// Each node's output mask: its own (a producer), its first input's (a layer that keeps
    /// positions), or none; consumers are given their first input's.
    private func wireSequenceMasks(_ plans: [NodePlan]) {
        for (i, node) in nodes.enumerated() {
            var inputMask: Tensor?
            if case .node(let j)? = node.inputs.first { inputMask = plans[j].outputMask }
            (node.layer as? SequenceMaskConsumer)?.useMask(inputMask)
            (plans[i].tokenReader as? SequenceMaskConsumer)?.useMask(inputMask)
            if let producer = node.layer as? SequenceMaskProducer {
                plans[i].outputMask = producer.outputMask
            } else if node.layer is SequenceMaskPassing {
                plans[i].outputMask = inputMask
            }
        }
    }

    private func wireLayerArguments(_ plans: [NodePlan]) {
        let placeholder = Tensor(shape: [0])
        for (i, node) in nodes.enumerated() {
            plans[i].forwardInputs = plans[i].inputs.map { source in
                if case .node(let j) = source { return plans[j].activation }
                return placeholder
            } + (plans[i].residual.map { [plans[$0].activation] } ?? [])
            plans[i].gradientTargets = node.inputs.enumerated().map { k, source in
                guard case .node(let j) = source, plans[j].needsGradient else { return nil }
                return plans[i].edgeGradients[k] ?? plans[j].gradient
            }
        }
    }

    /// Sizes every buffer for `batch` samples and points views at their inputs' memory.
    func resizeBuffers(_ plans: [NodePlan], batch: Int, inference: Bool) {
        for (i, node) in nodes.enumerated() {
            // A node that runs its followers never stores its own output or gradient.
            var shape = node.outputShape.batched(batch)
            if case .runsFollowers = plans[i].fusion { shape = Shape([0]) }
            plans[i].activation.resize(to: shape)
            plans[i].gradient.resize(to: inference ? Shape([0]) : shape)
        }
        // In node order, so a reshape of a reshape sees its input already shared. A reshape of the
        // model input shares it in `forward`, since the input tensor can change from call to call.
        for (i, node) in nodes.enumerated() {
            guard case .node(let j) = node.inputs.first, plans[i].view != .none else { continue }
            let shape = node.outputShape.batched(batch)
            plans[i].activation.share(plans[j].activation, shape: shape)
            if plans[i].view == .sharesActivationAndGradient { plans[i].gradient.share(plans[j].gradient, shape: shape) }
        }
        for (i, node) in nodes.enumerated() {
            for (k, source) in node.inputs.enumerated() {
                if case .node(let j) = source { plans[i].edgeGradients[k]?.resize(to: nodes[j].outputShape.batched(batch)) }
            }
        }
    }
}
