/// Colour and occlusion augmentation kernels, in place on (C, H, W) float images.
enum PixelKernels {
    /// `x += amount`, then into [0, clampTo] when given.
    static func addBrightness(_ image: UnsafeMutablePointer<Float>, count: Int, amount: Float, clampTo: Float?) {
        if let top = clampTo {
            for i in 0..<count { image[i] = min(max(image[i] + amount, 0), top) }
        } else {
            for i in 0..<count { image[i] += amount }
        }
    }

    /// Per channel: `x = (x - mean) * factor + mean` (Keras RandomContrast), then into
    /// [0, clampTo] when given.
    static func scaleContrast(_ image: UnsafeMutablePointer<Float>, layout: ImageLayout, factor: Float, clampTo: Float?) {
        let plane = layout.plane
        for c in 0..<layout.channels {
            let start = image + c * plane
            var sum: Float = 0
            for i in 0..<plane { sum += start[i] }
            let mean = sum / Float(plane)
            let offset = mean * (1 - factor)
            if let top = clampTo {
                for i in 0..<plane { start[i] = min(max(start[i] * factor + offset, 0), top) }
            } else {
                for i in 0..<plane { start[i] = start[i] * factor + offset }
            }
        }
    }

    /// Zeroes the `size` x `size` square at (top, left) in every channel, clipped to the image
    /// (DeVries & Taylor's cutout: the centre is anywhere, so the square may stick out).
    static func cutout(_ image: UnsafeMutablePointer<Float>, layout: ImageLayout, top: Int, left: Int, size: Int) {
        let y0 = max(top, 0), y1 = min(top + size, layout.height)
        let x0 = max(left, 0), x1 = min(left + size, layout.width)
        guard y0 < y1, x0 < x1 else { return }
        for c in 0..<layout.channels {
            for y in y0..<y1 { (image + c * layout.plane + y * layout.width + x0).update(repeating: 0, count: x1 - x0) }
        }
    }
}
