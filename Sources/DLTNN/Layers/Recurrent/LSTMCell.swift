import DLTCore

/// PyTorch's nn.LSTM cell, gates (i, f, g, o):
/// i = σ(·), f = σ(·), g = tanh(·), o = σ(·); c = f ⊙ c_prev + i ⊙ g; h = o ⊙ tanh(c).
///
/// Forward and backward each take 8 units at a time through all four gates in one pass, so a
/// unit's values stay in registers from its pre-activations to its h (or its gate gradients).
struct LSTMCell: RecurrentCell {
    var typeName: String { "lstm" }
    var gateCount: Int { 4 }
    var sumsParts: Bool { true }

    /// x holds the whole pre-activation (`sumsParts`); r is nil.
    func forward(units u: Int, x: UnsafePointer<Float>, r: UnsafePointer<Float>?, hPrev: UnsafePointer<Float>,
                 statePrev: UnsafePointer<Float>, gates: UnsafeMutablePointer<Float>,
                 state: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>) {
        var j = 0
        while j < u {
            forwardLanes(units: u, at: j, z: x, statePrev: statePrev, gates: gates, state: state, h: h)
            j += 8
        }
    }

    @inline(__always)
    private func forwardLanes(units u: Int, at j: Int, z: UnsafePointer<Float>,
                              statePrev: UnsafePointer<Float>, gates: UnsafeMutablePointer<Float>,
                              state: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>) {
        let i = VectorMath.logistic(VectorMath.lanes(z, j, count: u))
        VectorMath.store(i, gates, j, count: u)
        let g = VectorMath.tanh(VectorMath.lanes(z + 2 * u, j, count: u))
        VectorMath.store(g, gates + 2 * u, j, count: u)
        let f = VectorMath.logistic(VectorMath.lanes(z + u, j, count: u))
        VectorMath.store(f, gates + u, j, count: u)
        let c = f * VectorMath.lanes(statePrev, j, count: u) + i * g
        VectorMath.store(c, state, j, count: u)
        let o = VectorMath.logistic(VectorMath.lanes(z + 3 * u, j, count: u))
        VectorMath.store(o, gates + 3 * u, j, count: u)
        VectorMath.store(o * VectorMath.tanh(c), h, j, count: u)
    }

    func backward(units u: Int, dh: UnsafePointer<Float>, dState: UnsafeMutablePointer<Float>,
                  gates: UnsafePointer<Float>, state: UnsafePointer<Float>, statePrev: UnsafePointer<Float>,
                  hPrev: UnsafePointer<Float>, dzx: UnsafeMutablePointer<Float>, dzh: UnsafeMutablePointer<Float>?,
                  dhPrevDirect: UnsafeMutablePointer<Float>) {
        var j = 0
        while j < u {
            backwardLanes(units: u, at: j, dh: dh, dState: dState, gates: gates, state: state, statePrev: statePrev,
                          dzx: dzx)
            VectorMath.store(SIMD8(repeating: 0), dhPrevDirect, j, count: u)
            j += 8
        }
    }

    /// Into dzx alone: the two parts enter the gates as a plain sum, so they get the same
    /// gradient (`sumsParts`; the layer reads dzx for both).
    @inline(__always)
    private func backwardLanes(units u: Int, at j: Int, dh: UnsafePointer<Float>, dState: UnsafeMutablePointer<Float>,
                               gates: UnsafePointer<Float>, state: UnsafePointer<Float>, statePrev: UnsafePointer<Float>,
                               dzx: UnsafeMutablePointer<Float>) {
        let i = VectorMath.lanes(gates, j, count: u), f = VectorMath.lanes(gates + u, j, count: u)
        let g = VectorMath.lanes(gates + 2 * u, j, count: u), o = VectorMath.lanes(gates + 3 * u, j, count: u)
        let gradient = VectorMath.lanes(dh, j, count: u)
        let tc = VectorMath.tanh(VectorMath.lanes(state, j, count: u))
        let dc = VectorMath.lanes(dState, j, count: u) + gradient * o * (1 - tc * tc)
        let di: SIMD8<Float> = dc * g * i * (1 - i)
        VectorMath.store(di, dzx, j, count: u)
        let df: SIMD8<Float> = dc * VectorMath.lanes(statePrev, j, count: u) * f * (1 - f)
        VectorMath.store(df, dzx + u, j, count: u)
        let dg: SIMD8<Float> = dc * i * (1 - g * g)
        VectorMath.store(dg, dzx + 2 * u, j, count: u)
        let dOut: SIMD8<Float> = gradient * tc * o * (1 - o)
        VectorMath.store(dOut, dzx + 3 * u, j, count: u)
        VectorMath.store(dc * f, dState, j, count: u)
    }
}
