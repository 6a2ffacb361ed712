import DLTCore

/// Spatial padding of a convolution or pooling window, as configs write it:
/// `valid` (none), `same` (TensorFlow's: output = ceil(input / stride), odd pixel at the bottom/right),
/// or explicit pixels on each side (PyTorch's `padding=(h, w)`).
public enum Padding: Equatable, Sendable {
    case valid, same
    case explicit(height: Int, width: Int)

    /// Builds the window geometry of this padding over a (C, H, W) input; throws naming `layer`
    /// when the window does not fit.
    public func geometry(layer: String, channels: Int, height: Int, width: Int,
                         kernel: (Int, Int), stride: (Int, Int), dilation: (Int, Int) = (1, 1)) throws -> WindowGeometry {
        var top = 0, bottom = 0, left = 0, right = 0
        switch self {
        case .valid: break
        case .same:
            (top, bottom) = WindowGeometry.samePadding(size: height, kernel: kernel.0, stride: stride.0, dilation: dilation.0)
            (left, right) = WindowGeometry.samePadding(size: width, kernel: kernel.1, stride: stride.1, dilation: dilation.1)
        case .explicit(let h, let w):
            top = h; bottom = h; left = w; right = w
        }
        do {
            return try WindowGeometry(channels: channels, height: height, width: width,
                                      kernelH: kernel.0, kernelW: kernel.1, strideH: stride.0, strideW: stride.1,
                                      padTop: top, padLeft: left, padBottom: bottom, padRight: right,
                                      dilationH: dilation.0, dilationW: dilation.1)
        } catch let error as EngineError {
            throw EngineError("layer '\(layer)': \(error.message) (input \(channels)x\(height)x\(width))")
        }
    }
}
