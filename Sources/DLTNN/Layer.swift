import DLTCore

/// What a layer needs to know about the step it runs in.
public struct LayerContext: @unchecked Sendable {
    /// How the batch is cut across cores.
    public let split: ThreadSplit
    /// Training mode (dropout active, batchnorm uses batch statistics and updates running ones).
    public let training: Bool
    /// Seed for this step's randomness (dropout masks): a pure function of the run seed and the
    /// step, so that a resumed run draws the same masks as an uninterrupted one.
    public let stepSeed: UInt64
    /// No backward follows this forward (predict, evaluation, bench inference): the graph may
    /// run its inference plan, with no gradient buffers and evaluation-only fusions.
    public let inferenceOnly: Bool
    /// Where this batch starts in the step's global batch (a data-parallel rank's slice): random
    /// draws per sample (dropout, attention dropout) count from it, so that N ranks draw the masks
    /// one process would.
    public let sampleOffset: Int

    public init(split: ThreadSplit, training: Bool, stepSeed: UInt64 = 0, inferenceOnly: Bool = false, sampleOffset: Int = 0) {
        precondition(!(training && inferenceOnly), "an inference-only pass runs in evaluation mode")
        self.split = split
        self.training = training
        self.stepSeed = stepSeed
        self.inferenceOnly = inferenceOnly
        self.sampleOffset = sampleOffset
    }
}

/// One node of a model: Caffe's Layer, in llm.c's style.
///
/// Shapes given to `build` and returned by it are per sample (no batch dimension). Tensors given
/// to `forward`/`backward` carry the batch first. The graph owns and reuses every activation and
/// gradient buffer; layers own their parameters and any scratch they need, allocated when the
/// batch size changes and reused afterwards.
public protocol Layer: AnyObject {
    /// The unique name in the model (`conv2d_0`); parameters are saved as `<name>.<parameter>`.
    var name: String { get }
    /// The config type name (`conv2d`).
    var typeName: String { get }
    /// Trainable parameters and saved state, in a fixed order.
    var parameters: [Parameter] { get }

    /// Checks the per-sample input shapes, creates the parameters and returns the per-sample
    /// output shape. Throws an `EngineError` naming the layer and shapes when they do not fit.
    func build(inputShapes: [Shape]) throws -> Shape

    /// Forward FLOPs per sample (a multiply-add counts 2), for `dlt summary` and `dlt bench`.
    var flopsPerSample: Int { get }

    /// inputs[i]: (N, inputShape[i]); writes output: (N, outputShape).
    func forward(inputs: [Tensor], output: Tensor, context: LayerContext)

    /// Overwrites each non-nil inputGradients[i] with dLoss/dInput[i] and adds parameter
    /// gradients into `Parameter.gradient`. A nil entry means that input needs no gradient.
    /// `output` and `inputs` are what forward saw and produced in the same step.
    func backward(inputs: [Tensor], output: Tensor, outputGradient: Tensor,
                  inputGradients: [Tensor?], context: LayerContext)

    /// True for layers whose output is their single input's elements under another shape
    /// (Flatten, Reshape): the graph then lets the output share the input's memory instead of
    /// calling forward and backward, which would only copy.
    var isReshape: Bool { get }
}

extension Layer {
    public var isReshape: Bool { false }

    public var parameterCount: Int { parameters.filter(\.isTrainable).reduce(0) { $0 + $1.shape.count } }
    public var stateCount: Int { parameters.filter { !$0.isTrainable }.reduce(0) { $0 + $1.shape.count } }

    /// Throws unless exactly `count` inputs arrive.
    public func expectInputs(_ shapes: [Shape], count: Int) throws {
        if shapes.count != count {
            throw EngineError("layer '\(name)' (\(typeName)) takes \(count) input\(count == 1 ? "" : "s"), got \(shapes.count)")
        }
    }

    /// Throws unless the single input has the given rank (per sample).
    public func expectRank(_ shape: Shape, _ rank: Int, what: String) throws {
        if shape.rank != rank {
            throw EngineError("layer '\(name)' (\(typeName)) expects \(what) per sample, got shape \(shape)")
        }
    }
}

/// A parameter's initialiser and fans, for layers whose parameters are drawn at random.
public struct ParameterInit {
    public let parameter: Parameter
    public let initializer: Initializer
    public let fanIn: Int
    public let fanOut: Int
    public init(_ parameter: Parameter, _ initializer: Initializer, fanIn: Int, fanOut: Int) {
        self.parameter = parameter; self.initializer = initializer; self.fanIn = fanIn; self.fanOut = fanOut
    }
}

/// Layers with parameters say how to initialise them; the graph calls this once, in layer order,
/// with the run's generator, so a seed gives the same model on every machine.
public protocol InitializableLayer: Layer {
    var parameterInits: [ParameterInit] { get }
}
