import DLTCore

/// PyTorch's nn.LSTM cell, gates (i, f, g, o):
/// i = σ(·), f = σ(·), g = tanh(·), o = σ(·); c = f ⊙ c_prev + i ⊙ g; h = o ⊙ tanh(c).
struct LSTMCell: RecurrentCell {
    var typeName: String { "lstm" }
    var gateCount: Int { 4 }

    func forward(units u: Int, x: UnsafePointer<Float>, r: UnsafePointer<Float>, hPrev: UnsafePointer<Float>,
                 statePrev: UnsafePointer<Float>, gates: UnsafeMutablePointer<Float>,
                 state: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>) {
        // Pre-activations into `gates`, then each gate's function over its whole block.
        for k in 0..<(4 * u) { gates[k] = x[k] + r[k] }
        VectorMath.logistic(gates, count: 2 * u)
        VectorMath.tanh(gates + 2 * u, count: u)
        VectorMath.logistic(gates + 3 * u, count: u)
        for j in 0..<u { state[j] = gates[u + j] * statePrev[j] + gates[j] * gates[2 * u + j] }
        h.update(from: state, count: u)
        VectorMath.tanh(h, count: u)
        for j in 0..<u { h[j] *= gates[3 * u + j] }
    }

    func backward(units u: Int, dh: UnsafePointer<Float>, dState: UnsafeMutablePointer<Float>,
                  gates: UnsafePointer<Float>, state: UnsafePointer<Float>, statePrev: UnsafePointer<Float>,
                  hPrev: UnsafePointer<Float>, dzx: UnsafeMutablePointer<Float>, dzh: UnsafeMutablePointer<Float>,
                  dhPrevDirect: UnsafeMutablePointer<Float>) {
        // tanh(c) again, into dhPrevDirect (zero for LSTM once used).
        dhPrevDirect.update(from: state, count: u)
        VectorMath.tanh(dhPrevDirect, count: u)
        for j in 0..<u {
            let i = gates[j], f = gates[u + j], g = gates[2 * u + j], o = gates[3 * u + j]
            let tc = dhPrevDirect[j]
            let dc = dState[j] + dh[j] * o * (1 - tc * tc)
            dzx[j] = dc * g * i * (1 - i)
            dzx[u + j] = dc * statePrev[j] * f * (1 - f)
            dzx[2 * u + j] = dc * i * (1 - g * g)
            dzx[3 * u + j] = dh[j] * tc * o * (1 - o)
            dState[j] = dc * f
            dhPrevDirect[j] = 0
        }
        dzh.update(from: dzx, count: 4 * u)
    }
}
