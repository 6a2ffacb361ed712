import DLTCore

/// One direction of a recurrent layer: its parameters (PyTorch's names, `_reverse` for the
/// backward direction) and the per-position buffers that backward through time reads, each
/// (N, L, ·), sized when the batch changes. G = gates per unit, U = units, F = input features.
final class RecurrentDirection {
    let reverse: Bool
    let weightIH: Parameter, weightHH: Parameter, biasIH: Parameter, biasHH: Parameter
    /// W_ih·x + b_ih for every position (N, L, G·U): one sgemm per slice. For a cell that
    /// `sumsParts`, the bias is b_ih + b_hh, and each step adds W_hh·h_prev into its position.
    let inputPart = Tensor(shape: [0])
    /// W_hh·h_prev + b_hh of the current step for every sample (N, G·U), for a cell that keeps
    /// the parts apart (empty otherwise, as `recurrentGradient`).
    let recurrentPart = Tensor(shape: [0])
    /// b_ih + b_hh (G·U), summed at each forward for a cell that `sumsParts`.
    let summedBias = Tensor(shape: [0])
    /// W_hhᵀ (U, G·U), copied at each forward when the step products run direct.
    let recurrentWeightTransposed = Tensor(shape: [0])
    /// Activated gates, the cell's saved state, h, and the h each position started from.
    let gates = Tensor(shape: [0]), state = Tensor(shape: [0])
    let hidden = Tensor(shape: [0]), previousHidden = Tensor(shape: [0])
    /// Backward: pre-activation gradients of the input and recurrent parts (N, L, G·U).
    let inputGradient = Tensor(shape: [0]), recurrentGradient = Tensor(shape: [0])
    /// Backward's running dL/dh, the carried state gradient and this step's dL/dh (N, U).
    let hiddenCarry = Tensor(shape: [0]), stateCarry = Tensor(shape: [0]), stepGradient = Tensor(shape: [0])

    init(reverse: Bool, gates g: Int, units u: Int, features f: Int) {
        self.reverse = reverse
        let suffix = reverse ? "_reverse" : ""
        weightIH = Parameter(name: "weight_ih" + suffix, shape: [g * u, f])
        weightHH = Parameter(name: "weight_hh" + suffix, shape: [g * u, u])
        biasIH = Parameter(name: "bias_ih" + suffix, shape: [g * u])
        biasHH = Parameter(name: "bias_hh" + suffix, shape: [g * u])
    }

    var parameters: [Parameter] { [weightIH, weightHH, biasIH, biasHH] }

    /// `separateParts`: the cell keeps its recurrent part (and gradient) apart from the input part's;
    /// `directStepProducts`: forward's step products read W_hhᵀ (`RecurrentShape`).
    func prepare(batch n: Int, length l: Int, gates g: Int, units u: Int, separateParts: Bool, directStepProducts: Bool) {
        for t in [inputPart, gates, inputGradient] { t.resize(to: [n, l, g * u]) }
        recurrentGradient.resize(to: separateParts ? [n, l, g * u] : [0])
        for t in [state, hidden, previousHidden] { t.resize(to: [n, l, u]) }
        recurrentPart.resize(to: separateParts ? [n, g * u] : [0])
        summedBias.resize(to: [g * u])
        recurrentWeightTransposed.resize(to: directStepProducts ? [u, g * u] : [0])
        for t in [hiddenCarry, stateCarry, stepGradient] { t.resize(to: [n, u]) }
    }

    /// The position handled at `step` (0 first): t = step forwards, L − 1 − step backwards.
    @inline(__always)
    func position(_ step: Int, length l: Int) -> Int { reverse ? l - 1 - step : step }
}

/// The sizes a direction's loops work with.
struct RecurrentShape {
    let length: Int, features: Int, units: Int, gates: Int
    var gateWidth: Int { gates * units }
    /// Whether forward's per-step product h_prev · W_hhᵀ runs as `SmallProduct.accumulate`
    /// rather than sgemm: while W_hh is at most 16,384 floats, where it was measured ahead
    /// (32 x 128 x 32: 3.3 µs against 4.6; 32 x 256 x 64: 11.9 against 15.1); at 64 x 512 x 128
    /// sgemm was ahead (97 µs against 109). Backward's dZ · W_hh (32 x 32 x 128) was not faster.
    var directStepProducts: Bool { gateWidth * units <= 16_384 }
}
