import DLTCore

/// PyTorch's nn.GRU cell, gates (r, z, n):
/// r = σ(x_r + r_r), z = σ(x_z + r_z), n = tanh(x_n + r ⊙ r_n), h = (1 − z) ⊙ n + z ⊙ h_prev,
/// where r_n = W_hn·h_prev + b_hn is kept as the state (ONNX's linear_before_reset = 1).
struct GRUCell: RecurrentCell {
    var typeName: String { "gru" }
    var gateCount: Int { 3 }
    var sumsParts: Bool { false }

    func forward(units u: Int, x: UnsafePointer<Float>, r: UnsafePointer<Float>?, hPrev: UnsafePointer<Float>,
                 statePrev: UnsafePointer<Float>, gates: UnsafeMutablePointer<Float>,
                 state: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>) {
        guard let r else { preconditionFailure("a GRU cell needs its recurrent part apart") }
        for k in 0..<(2 * u) { gates[k] = x[k] + r[k] }
        VectorMath.logistic(gates, count: 2 * u)
        for j in 0..<u {
            state[j] = r[2 * u + j]
            gates[2 * u + j] = x[2 * u + j] + gates[j] * state[j]
        }
        VectorMath.tanh(gates + 2 * u, count: u)
        for j in 0..<u {
            let update = gates[u + j]
            h[j] = (1 - update) * gates[2 * u + j] + update * hPrev[j]
        }
    }

    func backward(units u: Int, dh: UnsafePointer<Float>, dState: UnsafeMutablePointer<Float>,
                  gates: UnsafePointer<Float>, state: UnsafePointer<Float>, statePrev: UnsafePointer<Float>,
                  hPrev: UnsafePointer<Float>, dzx: UnsafeMutablePointer<Float>, dzh: UnsafeMutablePointer<Float>?,
                  dhPrevDirect: UnsafeMutablePointer<Float>) {
        guard let dzh else { preconditionFailure("a GRU cell writes its recurrent gradient apart") }
        for j in 0..<u {
            let reset = gates[j], update = gates[u + j], n = gates[2 * u + j], hn = state[j]
            let dnPre = dh[j] * (1 - update) * (1 - n * n)
            let dResetPre = dnPre * hn * reset * (1 - reset)
            let dUpdatePre = dh[j] * (hPrev[j] - n) * update * (1 - update)
            dzx[j] = dResetPre; dzx[u + j] = dUpdatePre; dzx[2 * u + j] = dnPre
            dzh[j] = dResetPre; dzh[u + j] = dUpdatePre; dzh[2 * u + j] = dnPre * reset
            dhPrevDirect[j] = dh[j] * update
        }
    }
}
