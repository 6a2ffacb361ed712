import CPNG

/// Writes 8-bit RGB images as PNG through libpng's simplified API.
public enum PNGWriter {
    /// `rgb` is interleaved HWC: `height * width * 3` bytes, rows top to bottom.
    public static func write(rgb: [UInt8], width: Int, height: Int, to path: String) throws {
        try FileBytes.write(encode(rgb: rgb, width: width, height: height, name: path), to: path)
    }

    /// The PNG bytes of an RGB image.
    public static func encode(rgb: [UInt8], width: Int, height: Int, name: String = "png") throws -> [UInt8] {
        guard width > 0, height > 0, width <= 1 << 20, height <= 1 << 20 else {
            throw DataError(file: name, message: "cannot write a \(width)x\(height) image")
        }
        guard rgb.count == width * height * 3 else {
            throw DataError(file: name, message: "\(rgb.count) bytes given for a \(width)x\(height) RGB image (\(width * height * 3) needed)")
        }
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = UInt32(PNG_FORMAT_RGB)
        // A first guess of the size; libpng reports the size it needs when the guess is short.
        var size = rgb.count / 2 + 1024
        var output: [UInt8] = []
        for _ in 0..<2 {
            output = [UInt8](repeating: 0, count: size)
            let status = rgb.withUnsafeBytes { source in
                output.withUnsafeMutableBytes { destination in
                    png_image_write_to_memory(&image, destination.baseAddress, &size, 0, source.baseAddress,
                                              Int32(width * 3), nil)
                }
            }
            if status != 0 {
                output.removeLast(output.count - size)
                return output
            }
            if size <= output.count { break }
            image.opaque = nil
            image.warning_or_error = 0
        }
        throw DataError(file: name, message: "PNG encoding failed: \(ImageReader.message(of: &image))")
    }
}
