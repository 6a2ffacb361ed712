import DLTCore

/// The gate arithmetic of one recurrent layer type (LSTM, GRU) at one position of one sample.
/// `RecurrentLayer` does everything around it: the input projection for all positions in one
/// sgemm, the recurrent sgemm per step, directions, masks and the output layout.
///
/// Both parts arrive with their biases: x = W_ih·x_t + b_ih and r = W_hh·h_prev + b_hh, each
/// `gateCount`·U values in PyTorch's gate order. A cell whose gates see only x + r
/// (`sumsParts`, LSTM) gets the sum alone, in x: the layer accumulates the recurrent product
/// into the input part, with both biases added once, and passes r = nil; backward, whose two
/// gradient parts are then the same, writes dzx alone and gets dzh = nil.
protocol RecurrentCell {
    /// The config type name: `lstm`, `gru`.
    var typeName: String { get }
    /// Gates per unit: 4 (i, f, g, o) for LSTM, 3 (r, z, n) for GRU.
    var gateCount: Int { get }
    /// Whether every gate takes x + r as a plain sum (LSTM; not GRU, whose n gate scales r_n).
    var sumsParts: Bool { get }

    /// Writes the activated gates, the saved state (LSTM: the cell c; GRU: r_n = W_hn·h + b_hn)
    /// and h. `statePrev` is the previous position's state (zeros at the first).
    func forward(units: Int, x: UnsafePointer<Float>, r: UnsafePointer<Float>?, hPrev: UnsafePointer<Float>,
                 statePrev: UnsafePointer<Float>, gates: UnsafeMutablePointer<Float>,
                 state: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>)

    /// From dL/dh at this position and the carried state gradient (LSTM's dc, updated in place
    /// to the previous position's), writes the gradients of the two pre-activation parts, dzx
    /// (for W_ih, b_ih, x) and dzh (for W_hh, b_hh), and the part of dL/dh_prev that does not
    /// go through W_hh (GRU's z ⊙ dh; zero for LSTM).
    func backward(units: Int, dh: UnsafePointer<Float>, dState: UnsafeMutablePointer<Float>,
                  gates: UnsafePointer<Float>, state: UnsafePointer<Float>, statePrev: UnsafePointer<Float>,
                  hPrev: UnsafePointer<Float>, dzx: UnsafeMutablePointer<Float>, dzh: UnsafeMutablePointer<Float>?,
                  dhPrevDirect: UnsafeMutablePointer<Float>)
}
