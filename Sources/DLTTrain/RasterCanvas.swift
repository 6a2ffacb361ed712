import DLTData

/// An RGB pixel buffer with the few primitives `dlt plot` needs: lines, dots, rectangles and
/// text in the 5x7 bitmap font of image grids (drawn at 2x).
struct RasterCanvas {
    let width: Int, height: Int
    var pixels: [UInt8]

    init(width: Int, height: Int) {
        self.width = width; self.height = height
        pixels = [UInt8](repeating: 255, count: width * height * 3)
    }

    mutating func fill(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
        for i in stride(from: 0, to: pixels.count, by: 3) { pixels[i] = r; pixels[i + 1] = g; pixels[i + 2] = b }
    }

    mutating func set(_ x: Int, _ y: Int, _ c: (UInt8, UInt8, UInt8)) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = (y * width + x) * 3
        pixels[i] = c.0; pixels[i + 1] = c.1; pixels[i + 2] = c.2
    }

    /// Bresenham, 2 pixels thick; dashed lines skip every other 6-pixel run.
    mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, color: (UInt8, UInt8, UInt8), dashed: Bool = false) {
        var x = x0, y = y0
        let dx = abs(x1 - x0), dy = -abs(y1 - y0), sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var error = dx + dy, step = 0
        while true {
            if !dashed || (step / 6) % 2 == 0 { set(x, y, color); set(x, y + 1, color); set(x + 1, y, color) }
            if x == x1 && y == y1 { break }
            let e2 = 2 * error
            if e2 >= dy { error += dy; x += sx }
            if e2 <= dx { error += dx; y += sy }
            step += 1
        }
    }

    mutating func dot(_ x: Int, _ y: Int, color: (UInt8, UInt8, UInt8)) {
        for dy in -2...2 { for dx in -2...2 where dx * dx + dy * dy <= 5 { set(x + dx, y + dy, color) } }
    }

    mutating func rectangle(x0: Int, y0: Int, x1: Int, y1: Int, color: (UInt8, UInt8, UInt8)) {
        line(x0, y0, x1, y0, color: color); line(x1, y0, x1, y1, color: color)
        line(x1, y1, x0, y1, color: color); line(x0, y1, x0, y0, color: color)
    }

    mutating func text(_ string: String, x: Int, y: Int, color: (UInt8, UInt8, UInt8)) {
        let scale = 2
        for (i, character) in string.enumerated() {
            for column in 0..<BitmapFont.glyphWidth {
                for row in 0..<BitmapFont.glyphHeight where BitmapFont.isSet(character, column: column, row: row) {
                    for sy in 0..<scale { for sx in 0..<scale {
                        set(x + (i * BitmapFont.advance + column) * scale + sx, y + row * scale + sy, color)
                    } }
                }
            }
        }
    }
}
