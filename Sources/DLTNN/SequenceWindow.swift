import DLTCore

/// Zero padding of a 1-D convolution along the sequence, as configs write it: `valid` (none),
/// `same` (TensorFlow's: output ceil(L / stride), the odd position at the end; PyTorch's
/// `padding='same'` at stride 1), or `explicit(p)`: p positions on each side (PyTorch's int).
public enum SequencePadding: Equatable, Sendable {
    case valid, same
    case explicit(Int)
}

/// A window sliding along a (L, C) sequence: conv1d's kernel or maxpool1d's pool.
/// Output position p reads input positions p * stride - padLeft + j * dilation, j in 0..<kernel.
public struct SequenceWindow: Equatable, Sendable {
    public let length: Int
    public let channels: Int
    public let kernel: Int
    public let stride: Int
    public let dilation: Int
    public let padLeft: Int
    public let padRight: Int
    /// floor((L + padLeft + padRight - span) / stride) + 1, as PyTorch.
    public let outLength: Int

    /// Throws a message naming `layer` when the window does not fit the padded sequence.
    public init(layer: String, length: Int, channels: Int, kernel: Int, stride: Int = 1, dilation: Int = 1,
                padding: SequencePadding = .valid) throws {
        guard kernel > 0, stride > 0, dilation > 0 else {
            throw EngineError("\(layer): kernel \(kernel), stride \(stride) and dilation \(dilation) must be positive")
        }
        guard length > 0, channels > 0 else { throw EngineError("\(layer): empty sequence (\(length), \(channels))") }
        switch padding {
        case .valid: (padLeft, padRight) = (0, 0)
        case .same:
            let pad = WindowGeometry.samePadding(size: length, kernel: kernel, stride: stride, dilation: dilation)
            (padLeft, padRight) = (pad.before, pad.after)
        case .explicit(let p):
            guard p >= 0 else { throw EngineError("\(layer): padding must not be negative, got \(p)") }
            (padLeft, padRight) = (p, p)
        }
        self.length = length; self.channels = channels
        self.kernel = kernel; self.stride = stride; self.dilation = dilation
        let span = dilation * (kernel - 1) + 1, padded = length + padLeft + padRight
        guard span <= padded else {
            let what = dilation == 1 ? "window \(kernel)" : "window \(kernel) at dilation \(dilation) (spanning \(span))"
            let pads = padLeft + padRight == 0 ? "" : " (\(padded) with padding)"
            throw EngineError("\(layer): \(what) is longer than the sequence of length \(length)\(pads); "
                + "use a smaller kernel or padding: same")
        }
        outLength = (padded - span) / stride + 1
    }

    /// Input positions covered by one window: dilation * (kernel - 1) + 1.
    public var span: Int { dilation * (kernel - 1) + 1 }
    /// Floats in one unfolded window: kernel * channels.
    public var windowFloats: Int { kernel * channels }
    public var hasPadding: Bool { padLeft + padRight > 0 }
}

extension Layer {
    /// Throws unless the single input is a (length, channels) sequence; for an image or a
    /// vector the message says what to use instead (`imageLayer` for images).
    func expectSequence(_ shape: Shape, imageLayer: String?) throws {
        guard shape.rank != 2 else { return }
        var hint = ""
        if shape.rank == 3, let imageLayer { hint = "; \(imageLayer) takes images (C, H, W)" }
        if shape.rank == 1 { hint = "; token ids need an embedding first, one feature per position a reshape to [L, 1]" }
        throw EngineError("layer '\(name)' (\(typeName)) expects a sequence (length, channels) per sample, got shape \(shape)\(hint)")
    }
}
