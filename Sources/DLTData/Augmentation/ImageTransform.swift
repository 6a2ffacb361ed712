import DLTCore
import Foundation

/// The (C, H, W) layout of one image in a float buffer, channel planes one after another.
public struct ImageLayout: Equatable, Sendable {
    public let channels: Int
    public let height: Int
    public let width: Int

    public init(channels: Int, height: Int, width: Int) {
        self.channels = channels; self.height = height; self.width = width
    }

    public var plane: Int { height * width }
    public var count: Int { channels * plane }
}

/// One augmentation step with its settings (checked by the config, AugmentConfig.swift). `apply`
/// draws the step's random values from `random` and runs its kernel (GeometricKernels.swift,
/// PixelKernels.swift) on raw pixel values: 0...255 for byte images, as stored for float ones.
public enum ImageTransform: Equatable, Sendable {
    case randomCrop(padding: Int)
    case flip(horizontal: Bool, vertical: Bool)
    case rotate(degrees: Float)
    case zoom(low: Float, high: Float)
    case translate(fraction: Float)
    case brightness(delta: Float)
    case contrast(low: Float, high: Float)
    case cutout(size: Int)

    /// Whether the kernel writes a second buffer (true) or works in place.
    var needsDestination: Bool {
        switch self {
        case .randomCrop, .rotate, .zoom, .translate: return true
        case .flip, .brightness, .contrast, .cutout: return false
        }
    }

    /// Transforms `image` (into `destination` when `needsDestination`). `range`: the full pixel
    /// range (255 for bytes, 1 for floats); `clamp`: keep values in [0, range] (byte images).
    func apply(_ image: UnsafeMutablePointer<Float>, into destination: UnsafeMutablePointer<Float>, layout: ImageLayout,
               range: Float, clamp: Bool, random: inout SeededRandom) {
        switch self {
        case .randomCrop(let padding):
            // Offsets into the padded image, 0...2p each; the crop at (p, p) is the image itself.
            let dy = random.below(2 * padding + 1) - padding, dx = random.below(2 * padding + 1) - padding
            GeometricKernels.shift(image, into: destination, layout: layout, dy: dy, dx: dx)
        case .flip(let horizontal, let vertical):
            let flipsH = horizontal && random.nextFloat() < 0.5
            let flipsV = vertical && random.nextFloat() < 0.5
            if flipsH { GeometricKernels.flipHorizontally(image, layout: layout) }
            if flipsV { GeometricKernels.flipVertically(image, layout: layout) }
        case .rotate(let degrees):
            let angle = random.uniform(-degrees, degrees) * Float.pi / 180
            GeometricKernels.rotateAndScale(image, into: destination, layout: layout, angle: angle, scale: 1)
        case .zoom(let low, let high):
            GeometricKernels.rotateAndScale(image, into: destination, layout: layout, angle: 0, scale: random.uniform(low, high))
        case .translate(let fraction):
            let dy = (random.uniform(-fraction, fraction) * Float(layout.height)).rounded()
            let dx = (random.uniform(-fraction, fraction) * Float(layout.width)).rounded()
            GeometricKernels.shift(image, into: destination, layout: layout, dy: Int(dy), dx: Int(dx))
        case .brightness(let delta):
            PixelKernels.addBrightness(image, count: layout.count, amount: random.uniform(-delta, delta) * range,
                                       clampTo: clamp ? range : nil)
        case .contrast(let low, let high):
            PixelKernels.scaleContrast(image, layout: layout, factor: random.uniform(low, high), clampTo: clamp ? range : nil)
        case .cutout(let size):
            let centreY = random.below(layout.height), centreX = random.below(layout.width)
            PixelKernels.cutout(image, layout: layout, top: centreY - size / 2, left: centreX - size / 2, size: size)
        }
    }
}
