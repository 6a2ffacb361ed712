/// Draws up to 25 images in a 5x5 grid (more, when asked, in a wider square grid), each scaled
/// up, with a text label under each (written with `BitmapFont`). Used by `dlt predict --grid
/// out.png` and `dlt augment`.
public enum ImageGrid {
    public static let maxImages = 25
    public static let columns = 5
    static let gap = 4
    static let labelHeight = BitmapFont.glyphHeight + 4
    static let background: UInt8 = 24
    static let ink: UInt8 = 255

    /// Renders the first `min(count, limit)` samples of `values`, 5 per row up to 25, ⌈√n⌉ beyond.
    ///
    /// - Parameters:
    ///   - sampleShape: `[C,H,W]` (C = 1 gray, 3 or more: the first three as RGB), `[H,W]`,
    ///     or `[features]` (a square number of features is drawn as a square).
    ///   - values: uint8 pixels, or floats: drawn as `x * 255` when every value of an image lies in
    ///     0...1, else stretched from that image's min..max.
    ///   - labels: text under each image; characters past the cell width are cut.
    ///   - scale: pixel replication factor, >= 1.
    /// - Returns: interleaved RGB bytes, `height * width * 3`.
    public static func render(values: SampleValues, sampleShape: [Int], count: Int, labels: [String],
                              scale: Int = 3, limit: Int = maxImages) throws -> (rgb: [UInt8], width: Int, height: Int) {
        let (channels, height, width) = imageShape(sampleShape)
        let sampleSize = sampleShape.reduce(1, *)
        let shown = min(count, limit)
        let columns = max(Self.columns, Int(Double(shown).squareRoot().rounded(.up)))
        guard shown > 0, height > 0, width > 0, scale >= 1, values.count >= shown * sampleSize else {
            throw DataError(file: "grid", message: "nothing to draw (\(count) images of shape \(sampleShape))")
        }
        let cellWidth = max(width * scale, BitmapFont.advance * 4)
        let cellHeight = height * scale + labelHeight
        let gridColumns = min(shown, columns)
        let gridRows = (shown + columns - 1) / columns
        let canvasWidth = gap + gridColumns * (cellWidth + gap)
        let canvasHeight = gap + gridRows * (cellHeight + gap)
        var canvas = [UInt8](repeating: background, count: canvasWidth * canvasHeight * 3)

        for image in 0..<shown {
            let left = gap + (image % columns) * (cellWidth + gap) + (cellWidth - width * scale) / 2
            let top = gap + (image / columns) * (cellHeight + gap)
            let pixels = bytes(of: values, sample: image, sampleSize: sampleSize)
            let plane = height * width
            for y in 0..<(height * scale) {
                for x in 0..<(width * scale) {
                    let source = (y / scale) * width + x / scale
                    let target = ((top + y) * canvasWidth + left + x) * 3
                    for channel in 0..<3 {
                        canvas[target + channel] = pixels[(channels >= 3 ? channel : 0) * plane + source]
                    }
                }
            }
            let label = image < labels.count ? labels[image] : ""
            let textLeft = gap + (image % columns) * (cellWidth + gap) + 1
            drawText(label, maxWidth: cellWidth - 2, left: textLeft, top: top + height * scale + 2,
                     canvas: &canvas, canvasWidth: canvasWidth)
        }
        return (canvas, canvasWidth, canvasHeight)
    }

    /// (channels, height, width) of a sample shape.
    static func imageShape(_ shape: [Int]) -> (Int, Int, Int) {
        switch shape.count {
        case 3: return (shape[0], shape[1], shape[2])
        case 2: return (1, shape[0], shape[1])
        case 1:
            let side = Int(Double(shape[0]).squareRoot().rounded())
            return side * side == shape[0] ? (1, side, side) : (1, 1, shape[0])
        default: return (0, 0, 0)
        }
    }

    /// One sample as display bytes.
    static func bytes(of values: SampleValues, sample: Int, sampleSize: Int) -> [UInt8] {
        let range = (sample * sampleSize)..<((sample + 1) * sampleSize)
        switch values {
        case .uint8(let data):
            return Array(data[range])
        case .float(let data):
            let slice = data[range].map { $0.isFinite ? $0 : 0 }
            let low = slice.min() ?? 0, high = slice.max() ?? 1
            if low >= 0 && high <= 1 { return slice.map { UInt8(($0 * 255).rounded()) } }
            let span = high > low ? high - low : 1
            return slice.map { UInt8((($0 - low) / span * 255).rounded()) }
        }
    }

    static func drawText(_ text: String, maxWidth: Int, left: Int, top: Int, canvas: inout [UInt8], canvasWidth: Int) {
        let fitting = max(0, (maxWidth + 1) / BitmapFont.advance)
        for (position, character) in text.prefix(fitting).enumerated() {
            for row in 0..<BitmapFont.glyphHeight {
                for column in 0..<BitmapFont.glyphWidth where BitmapFont.isSet(character, column: column, row: row) {
                    let offset = ((top + row) * canvasWidth + left + position * BitmapFont.advance + column) * 3
                    canvas[offset] = ink
                    canvas[offset + 1] = ink
                    canvas[offset + 2] = ink
                }
            }
        }
    }
}
