import DLTCore

/// A parameter with the name it is saved under: "<layer>.<param>", e.g. "dense_0.weight".
public struct NamedParameter {
    public let name: String
    public let parameter: Parameter

    public init(name: String, parameter: Parameter) {
        self.name = name
        self.parameter = parameter
    }
}

/// Updates parameters from their gradients (Caffe's solver, llm.c's `gpt2_update`): one object
/// steps the whole flat parameter list; layers never update themselves.
///
/// Every optimizer follows PyTorch's formulas exactly, so a run can be checked against
/// torch.optim step by step. Weight decay is L2 added into the gradient (g += λθ) except in
/// AdamW, which decays the weights directly.
public protocol Optimizer: AnyObject {
    /// Set by the trainer from the schedule before each step.
    var learningRate: Float { get set }
    /// Steps taken (Adam's t); restored from checkpoints.
    var stepCount: Int { get }
    /// Steps every trainable, non-frozen parameter from its gradient.
    func step()
    /// Slots for checkpoints: ("<param name>.<slot>", tensor), e.g. "dense_0.weight.exp_avg";
    /// the checkpoint adds "optimizer." in front. The tensors are the live state: copying saved
    /// values into them restores it.
    var stateTensors: [(name: String, tensor: Tensor)] { get }
    /// Call after the saved values have been copied into `stateTensors`.
    func restore(stepCount: Int)
}

/// A trainable parameter together with the optimizer's per-parameter state tensors, all of the
/// parameter's shape and allocated once.
final class ParameterSlots {
    let name: String
    let parameter: Parameter
    let slots: [Tensor]

    init(_ named: NamedParameter, slotCount: Int, initialValue: Float = 0) {
        name = named.name
        parameter = named.parameter
        slots = (0..<slotCount).map { _ in Tensor(shape: named.parameter.shape, repeating: initialValue) }
    }

    /// Parameters that the optimizer steps now: trainable and not frozen.
    var isStepped: Bool { parameter.isTrainable && !parameter.isFrozen }

    /// Only trainable parameters get slots; running statistics are not optimized.
    static func make(_ parameters: [NamedParameter], slotCount: Int, initialValue: Float = 0) -> [ParameterSlots] {
        parameters.filter { $0.parameter.isTrainable }
            .map { ParameterSlots($0, slotCount: slotCount, initialValue: initialValue) }
    }

    static func stateTensors(_ entries: [ParameterSlots], slotNames: [String]) -> [(name: String, tensor: Tensor)] {
        entries.flatMap { entry in
            zip(slotNames, entry.slots).map { (name: "\(entry.name).\($0.0)", tensor: $0.1) }
        }
    }
}
