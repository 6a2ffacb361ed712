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
    /// Steps every trainable, non-frozen parameter from its gradient, the elements cut over
    /// `split`'s threads (nil: this thread alone). Every update is per element, so the values
    /// are the same for any thread count.
    func step(split: ThreadSplit?)
    /// Slots for checkpoints: ("<param name>.<slot>", tensor), e.g. "dense_0.weight.exp_avg";
    /// the checkpoint adds "optimizer." in front. The tensors are the live state: copying saved
    /// values into them restores it.
    var stateTensors: [(name: String, tensor: Tensor)] { get }
    /// Call after the saved values have been copied into `stateTensors`.
    func restore(stepCount: Int)
}

extension Optimizer {
    /// A step on this thread alone.
    public func step() { step(split: nil) }
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

    /// Runs body(entry, range) over the elements of every stepped entry, the whole list cut
    /// into one part per thread of `split` (none below 16,384 elements) at multiples of 16.
    /// The optimizers' vector loops and scalar tails do the same operations per element, so
    /// an element's new value does not depend on where the cuts fall.
    static func forEachStepped(_ entries: [ParameterSlots], split: ThreadSplit?,
                               _ body: (ParameterSlots, Range<Int>) -> Void) {
        let total = entries.reduce(0) { $1.isStepped ? $0 + $1.parameter.value.count : $0 }
        let blocks = (total + 15) / 16
        func run(_ blockRange: Range<Int>) {
            let start = blockRange.lowerBound * 16, end = min(blockRange.upperBound * 16, total)
            var offset = 0
            for entry in entries where entry.isStepped {
                let count = entry.parameter.value.count
                let lo = max(start, offset), hi = min(end, offset + count)
                if lo < hi { body(entry, (lo - offset)..<(hi - offset)) }
                offset += count
            }
        }
        guard let split else { return run(0..<blocks) }
        split.parallelRanges(blocks, minimumPerSlice: 1024) { _, range in run(range) }
    }
}
