import Foundation

/// PyTorch's nn.LSTM cell, gates (i, f, g, o):
/// i = σ(·), f = σ(·), g = tanh(·), o = σ(·); c = f ⊙ c_prev + i ⊙ g; h = o ⊙ tanh(c).
struct LSTMCell: RecurrentCell {
    var typeName: String { "lstm" }
    var gateCount: Int { 4 }

    func forward(units u: Int, x: UnsafePointer<Float>, r: UnsafePointer<Float>, hPrev: UnsafePointer<Float>,
                 statePrev: UnsafePointer<Float>, gates: UnsafeMutablePointer<Float>,
                 state: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>) {
        for j in 0..<u {
            let i = logistic(x[j] + r[j])
            let f = logistic(x[u + j] + r[u + j])
            let g = tanh(x[2 * u + j] + r[2 * u + j])
            let o = logistic(x[3 * u + j] + r[3 * u + j])
            let c = f * statePrev[j] + i * g
            gates[j] = i; gates[u + j] = f; gates[2 * u + j] = g; gates[3 * u + j] = o
            state[j] = c
            h[j] = o * tanh(c)
        }
    }

    func backward(units u: Int, dh: UnsafePointer<Float>, dState: UnsafeMutablePointer<Float>,
                  gates: UnsafePointer<Float>, state: UnsafePointer<Float>, statePrev: UnsafePointer<Float>,
                  hPrev: UnsafePointer<Float>, dzx: UnsafeMutablePointer<Float>, dzh: UnsafeMutablePointer<Float>,
                  dhPrevDirect: UnsafeMutablePointer<Float>) {
        for j in 0..<u {
            let i = gates[j], f = gates[u + j], g = gates[2 * u + j], o = gates[3 * u + j]
            let tc = tanh(state[j])
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
