import DLTCore

/// Where the rows of a chunk's window matrix (count * L', k * C) come from. Row p of a sample
/// is the window of output position p, taps in order, each C channels: at dilation 1 the taps
/// inside the sequence are k * C consecutive floats of the channels-last input. BLAS wants
/// lda >= k * C, so overlapping windows (stride < kernel) cannot be read in place as rows
/// `stride * C` apart: they are copied, one short vector copy per window (the sgemm does 2F
/// flops per copied float, so the copy costs a few percent).
enum Conv1DSource: Equatable {
    /// Windows that do not overlap (kernel ≤ stride, dilation 1, no padding, L a multiple of the
    /// stride, kernel 1 at stride 1 among them): the rows are the input itself, lda = stride * C.
    case direct
    /// Each window gathered into a column matrix, zeros for taps in the padding.
    case unfolded

    init(_ w: SequenceWindow) {
        let disjoint = w.kernel <= w.stride && w.dilation == 1 && !w.hasPadding && w.length % w.stride == 0
        self = disjoint ? .direct : .unfolded
    }
}

/// The window layout of a Conv1D: where rows come from and how far apart they are.
struct Conv1DLayout {
    let window: SequenceWindow
    let source: Conv1DSource
    /// Floats from one window row to the next in the source.
    let rowStride: Int

    init(_ w: SequenceWindow) {
        window = w
        source = Conv1DSource(w)
        rowStride = source == .direct ? w.stride * w.channels : w.windowFloats
    }

    /// Gemm rows for `count` samples.
    func rows(_ count: Int) -> Int { count * window.outLength }

    /// The window rows of samples x (count, L, C): the input itself, or `buffer` filled.
    func rows(of x: UnsafePointer<Float>, count: Int, buffer: UnsafeMutablePointer<Float>) -> UnsafePointer<Float> {
        let w = window, sample = w.length * w.channels
        switch source {
        case .direct:
            return x
        case .unfolded:
            for i in 0..<count { unfold(x + i * sample, into: buffer + i * w.outLength * w.windowFloats) }
        }
        return UnsafePointer(buffer)
    }

    /// One sample's windows (L, C) -> columns (L', k * C); taps in the padding are zeros.
    private func unfold(_ x: UnsafePointer<Float>, into columns: UnsafeMutablePointer<Float>) {
        let w = window, c = w.channels, kc = w.windowFloats
        for p in 0..<w.outLength {
            let row = columns + p * kc, first = p * w.stride - w.padLeft
            if w.dilation == 1 {
                // The taps inside the sequence are one run; only windows at the ends have zeros.
                let low = min(max(0, -first), w.kernel), high = max(min(w.kernel, w.length - first), low)
                if low > 0 { row.update(repeating: 0, count: low * c) }
                if low < high { Elementwise.copyShort(row + low * c, x + (first + low) * c, count: (high - low) * c) }
                if high < w.kernel { (row + high * c).update(repeating: 0, count: (w.kernel - high) * c) }
                continue
            }
            for j in 0..<w.kernel {
                let position = first + j * w.dilation
                if position >= 0 && position < w.length {
                    Elementwise.copyShort(row + j * c, x + position * c, count: c)
                } else {
                    (row + j * c).update(repeating: 0, count: c)
                }
            }
        }
    }

    /// col2im: adds each window row of `rowGradient` (rows(count), k * C) into the
    /// positions it read, in dx (count, L, C), which must be zero on entry.
    func fold(_ rowGradient: UnsafePointer<Float>, count: Int, into dx: UnsafeMutablePointer<Float>) {
        let w = window, c = w.channels, kc = w.windowFloats
        for i in 0..<count {
            let sample = dx + i * w.length * c
            for p in 0..<w.outLength {
                let row = rowGradient + (i * w.outLength + p) * kc, first = p * w.stride - w.padLeft
                if w.dilation == 1 {
                    // The taps inside the sequence are one run of positions.
                    let low = max(0, -first), high = min(w.kernel, w.length - first)
                    if low < high { Elementwise.addShort(sample + (first + low) * c, row + low * c, count: (high - low) * c) }
                    continue
                }
                for j in 0..<w.kernel {
                    let position = first + j * w.dilation
                    if position >= 0 && position < w.length { Elementwise.addShort(sample + position * c, row + j * c, count: c) }
                }
            }
        }
    }
}

/// One thread slice's scratch memory for Conv1D, sized once per layout and reused every step.
final class Conv1DWorkspace {
    /// The chunk's column matrix (rows, k * C); in backward, dColumns = dZ . Wp written over it.
    let columns = Tensor(shape: [0])
    /// dZ (rows, F) in backward, when the activation has a derivative to apply.
    let product = Tensor(shape: [0])

    func prepare(columns columnCount: Int, product productCount: Int) {
        if columns.count != columnCount { columns.resize(to: [columnCount]) }
        if product.count != productCount { product.resize(to: [productCount]) }
    }
}
