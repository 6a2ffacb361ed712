import CPNG

/// Reads single images (PNG through libpng, PGM P5 and P2) into CHW byte planes.
public enum ImageReader {
    /// Largest accepted image, in pixels; guards memory against forged headers.
    public static let maxPixels = 1 << 26

    /// The image at `path` with its own channel count: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA.
    public static func read(path: String) throws -> (channels: Int, height: Int, width: Int, pixels: [UInt8]) {
        try parse(data: FileBytes.read(path), name: path, channels: nil)
    }

    /// The image at `path` converted to `channels` (1 gray or 3 RGB; alpha composited on black).
    public static func read(path: String, channels: Int) throws -> (channels: Int, height: Int, width: Int, pixels: [UInt8]) {
        try parse(data: FileBytes.read(path), name: path, channels: channels)
    }

    /// Parses PNG or PGM bytes named `name` in errors; `channels` nil keeps the file's channels.
    public static func parse(data: [UInt8], name: String, channels: Int? = nil) throws
        -> (channels: Int, height: Int, width: Int, pixels: [UInt8]) {
        if let channels, channels != 1 && channels != 3 {
            throw DataError(file: name, message: "can convert images to 1 or 3 channels, not \(channels)")
        }
        if data.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
            return try parsePNG(data, name: name, channels: channels)
        }
        if data.count >= 2 && data[0] == UInt8(ascii: "P") && (data[1] == UInt8(ascii: "5") || data[1] == UInt8(ascii: "2")) {
            let gray = try PGMParser.parse(data, name: name)
            guard channels == 3 else { return (1, gray.height, gray.width, gray.pixels) }
            return (3, gray.height, gray.width, gray.pixels + gray.pixels + gray.pixels)
        }
        throw DataError(file: name, message: "not a PNG or PGM (P5/P2) image")
    }

    static func parsePNG(_ data: [UInt8], name: String, channels wanted: Int?) throws
        -> (channels: Int, height: Int, width: Int, pixels: [UInt8]) {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        let began = data.withUnsafeBytes { raw in
            png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count)
        }
        guard began != 0 else {
            throw DataError(file: name, message: "bad PNG: \(message(of: &image))")
        }
        let width = Int(image.width), height = Int(image.height)
        let hasColor = image.format & UInt32(PNG_FORMAT_FLAG_COLOR) != 0
        let hasAlpha = image.format & UInt32(PNG_FORMAT_FLAG_ALPHA) != 0
        let channels = wanted ?? ((hasColor ? 3 : 1) + (hasAlpha ? 1 : 0))
        guard width > 0, height > 0, width * height <= maxPixels else {
            png_image_free(&image)
            throw DataError(file: name, message: "unsupported image size \(width)x\(height)")
        }
        // Output 8-bit, no colormap: gray / GA / RGB / RGBA as `channels` says.
        image.format = (channels >= 3 ? UInt32(PNG_FORMAT_FLAG_COLOR) : 0)
            | (channels == 2 || channels == 4 ? UInt32(PNG_FORMAT_FLAG_ALPHA) : 0)
        // 16-bit samples are sRGB-encoded like 8-bit ones: scale them, don't gamma-convert.
        image.flags |= UInt32(PNG_IMAGE_FLAG_16BIT_sRGB)
        var interleaved = [UInt8](repeating: 0, count: width * height * channels)
        let finished = interleaved.withUnsafeMutableBytes { raw in
            png_image_finish_read(&image, nil, raw.baseAddress, Int32(width * channels), nil)
        }
        guard finished != 0 else {
            throw DataError(file: name, message: "bad PNG: \(message(of: &image))")
        }
        return (channels, height, width, planes(interleaved, channels: channels, pixels: width * height))
    }

    /// HWC interleaved -> CHW planes.
    static func planes(_ interleaved: [UInt8], channels: Int, pixels: Int) -> [UInt8] {
        if channels == 1 { return interleaved }
        var result = [UInt8](repeating: 0, count: interleaved.count)
        for pixel in 0..<pixels {
            for channel in 0..<channels {
                result[channel * pixels + pixel] = interleaved[pixel * channels + channel]
            }
        }
        return result
    }

    static func message(of image: inout png_image) -> String {
        let text = withUnsafeBytes(of: &image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        return text.isEmpty ? "libpng failed" : text
    }
}

/// Portable graymap: `P5` (binary) or `P2` (ASCII), header `P5 W H MAXVAL` with `#` comments.
enum PGMParser {
    static func parse(_ data: [UInt8], name: String) throws -> (height: Int, width: Int, pixels: [UInt8]) {
        let binary = data[1] == UInt8(ascii: "5")
        var position = 2
        func skipBlanksAndComments() {
            while position < data.count {
                if data[position] == UInt8(ascii: "#") {
                    while position < data.count && data[position] != UInt8(ascii: "\n") { position += 1 }
                } else if isBlank(data[position]) {
                    position += 1
                } else {
                    return
                }
            }
        }
        func number(_ what: String) throws -> Int {
            skipBlanksAndComments()
            var value = 0
            let start = position
            while position < data.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(data[position]) {
                value = value * 10 + Int(data[position] - UInt8(ascii: "0"))
                position += 1
                guard position - start <= 9 else { throw DataError(file: name, message: "PGM \(what) is too large") }
            }
            guard position > start else { throw DataError(file: name, message: "bad PGM header: expected \(what)") }
            return value
        }
        let width = try number("width"), height = try number("height"), maxValue = try number("maximum value")
        guard width > 0, height > 0 else {
            throw DataError(file: name, message: "zero-sized image (\(width)x\(height))")
        }
        guard width * height <= ImageReader.maxPixels else {
            throw DataError(file: name, message: "unsupported image size \(width)x\(height)")
        }
        guard (1...65535).contains(maxValue) else {
            throw DataError(file: name, message: "PGM maximum value \(maxValue) is outside 1...65535")
        }
        let count = width * height
        var pixels = [UInt8](repeating: 0, count: count)
        let scale = { (value: Int) -> UInt8 in UInt8((min(value, maxValue) * 255 + maxValue / 2) / maxValue) }
        if binary {
            // Exactly one whitespace byte separates the header from the raster.
            guard position < data.count, isBlank(data[position]) else {
                throw DataError(file: name, message: "bad PGM header: no whitespace before the pixels")
            }
            position += 1
            let bytesPerSample = maxValue > 255 ? 2 : 1
            guard data.count - position >= count * bytesPerSample else {
                throw DataError(file: name, message: "truncated PGM: needs \(count * bytesPerSample) pixel bytes, has \(data.count - position)")
            }
            for index in 0..<count {
                let offset = position + index * bytesPerSample
                let value = bytesPerSample == 2 ? Int(data[offset]) << 8 | Int(data[offset + 1]) : Int(data[offset])
                pixels[index] = scale(value)
            }
        } else {
            for index in 0..<count {
                pixels[index] = scale(try number("pixel \(index)"))
            }
        }
        return (height, width, pixels)
    }

    static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }
}
