import Foundation

/// Geometric augmentation kernels on (C, H, W) float images; out-of-image source pixels read as 0.
enum GeometricKernels {
    /// `destination[c, y, x] = source[c, y + dy, x + dx]`, 0 outside: a crop at offset (dy, dx)
    /// of the zero-padded image, or a translation by (-dy, -dx).
    static func shift(_ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>,
                      layout: ImageLayout, dy: Int, dx: Int) {
        let h = layout.height, w = layout.width
        destination.update(repeating: 0, count: layout.count)
        // Output columns whose source column is inside the image.
        let firstX = max(0, -dx), lastX = min(w, w - dx)
        guard firstX < lastX else { return }
        for c in 0..<layout.channels {
            let base = c * layout.plane
            for y in max(0, -dy)..<min(h, h - dy) {
                (destination + base + y * w + firstX).update(from: source + base + (y + dy) * w + firstX + dx, count: lastX - firstX)
            }
        }
    }

    /// Mirrors every row in place (left-right).
    static func flipHorizontally(_ image: UnsafeMutablePointer<Float>, layout: ImageLayout) {
        let w = layout.width
        for row in 0..<(layout.channels * layout.height) {
            let start = image + row * w
            var i = 0, j = w - 1
            while i < j {
                let t = start[i]; start[i] = start[j]; start[j] = t
                i += 1; j -= 1
            }
        }
    }

    /// Reverses the row order of every channel in place (top-bottom).
    static func flipVertically(_ image: UnsafeMutablePointer<Float>, layout: ImageLayout) {
        let h = layout.height, w = layout.width
        for c in 0..<layout.channels {
            let base = image + c * layout.plane
            for y in 0..<(h / 2) {
                let top = base + y * w, bottom = base + (h - 1 - y) * w
                for x in 0..<w {
                    let t = top[x]; top[x] = bottom[x]; bottom[x] = t
                }
            }
        }
    }

    /// Rotates counter-clockwise (as seen, y pointing down) by `angle` radians and scales by
    /// `scale` (> 1 enlarges) about the image centre, sampling bilinearly. Each output pixel p reads
    /// the source at `centre + R(-angle) (p - centre) / scale`.
    static func rotateAndScale(_ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>,
                               layout: ImageLayout, angle: Float, scale: Float) {
        let h = layout.height, w = layout.width, plane = layout.plane, channels = layout.channels
        let cosine = Float(cos(Double(angle))) / scale, sine = Float(sin(Double(angle))) / scale
        let centreY = Float(h - 1) / 2, centreX = Float(w - 1) / 2
        for y in 0..<h {
            let dy = Float(y) - centreY
            for x in 0..<w {
                let dx = Float(x) - centreX
                let sx = centreX + cosine * dx - sine * dy
                let sy = centreY + sine * dx + cosine * dy
                let x0f = sx.rounded(.down), y0f = sy.rounded(.down)
                let fx = sx - x0f, fy = sy - y0f
                let x0 = Int(x0f), y0 = Int(y0f)
                // The four taps' weights, zeroed for taps outside the image.
                let inX0 = x0 >= 0 && x0 < w, inX1 = x0 + 1 >= 0 && x0 + 1 < w
                let inY0 = y0 >= 0 && y0 < h, inY1 = y0 + 1 >= 0 && y0 + 1 < h
                let w00: Float = inY0 && inX0 ? (1 - fy) * (1 - fx) : 0
                let w01: Float = inY0 && inX1 ? (1 - fy) * fx : 0
                let w10: Float = inY1 && inX0 ? fy * (1 - fx) : 0
                let w11: Float = inY1 && inX1 ? fy * fx : 0
                let out = y * w + x
                guard w00 + w01 + w10 + w11 > 0 else {
                    for c in 0..<channels { destination[c * plane + out] = 0 }
                    continue
                }
                // Clamped indices keep the reads in bounds; their weight is 0 when clamped.
                let i00 = min(max(y0, 0), h - 1) * w + min(max(x0, 0), w - 1)
                let i01 = min(max(y0, 0), h - 1) * w + min(max(x0 + 1, 0), w - 1)
                let i10 = min(max(y0 + 1, 0), h - 1) * w + min(max(x0, 0), w - 1)
                let i11 = min(max(y0 + 1, 0), h - 1) * w + min(max(x0 + 1, 0), w - 1)
                for c in 0..<channels {
                    let p = source + c * plane
                    destination[c * plane + out] = w00 * p[i00] + w01 * p[i01] + w10 * p[i10] + w11 * p[i11]
                }
            }
        }
    }
}
