import Foundation

/// Writers for the input formats `dlt predict` reads, so tests need no external tools or fixtures.
/// Every writer takes one or more 8-bit grayscale images, row-major, `width * height` bytes each.
enum InputFiles {
    /// A deterministic 28x28 test image: a bright diagonal band on a darker gradient.
    static func sampleImage(variant: Int = 0, width: Int = 28, height: Int = 28) -> [UInt8] {
        (0..<height).flatMap { y in
            (0..<width).map { x in
                let band = abs(x - y - variant * 3) < 4 ? 200 : 0
                return UInt8(min(255, band + (x * 3 + y * 2 + variant * 17) % 50))
            }
        }
    }

    /// Binary PGM (P5): "P5\nW H\n255\n" then the pixels.
    static func pgm(_ pixels: [UInt8], width: Int, height: Int) -> Data {
        Data("P5\n\(width) \(height)\n255\n".utf8) + Data(pixels)
    }

    /// An IDX3 image file (magic 0x00000803, big-endian counts) holding `images`.
    static func idx(_ images: [[UInt8]], width: Int, height: Int) -> Data {
        var data = Data()
        for word in [UInt32(0x0803), UInt32(images.count), UInt32(height), UInt32(width)] {
            withUnsafeBytes(of: word.bigEndian) { data.append(contentsOf: $0) }
        }
        for image in images { data.append(contentsOf: image) }
        return data
    }

    /// An IDX1 label file (magic 0x00000801, big-endian count) holding `labels`.
    static func idxLabels(_ labels: [UInt8]) -> Data {
        var data = Data()
        for word in [UInt32(0x0801), UInt32(labels.count)] {
            withUnsafeBytes(of: word.bigEndian) { data.append(contentsOf: $0) }
        }
        return data + Data(labels)
    }

    /// CSV, one image per row, pixel values as decimal integers, no header.
    static func csv(_ images: [[UInt8]]) -> Data {
        Data(images.map { $0.map(String.init).joined(separator: ",") + "\n" }.joined().utf8)
    }

    /// A version-1.0 .npy file of little-endian float32 with the given shape.
    static func npy(_ values: [Float], shape: [Int]) -> Data {
        let dims = shape.count == 1 ? "\(shape[0])," : shape.map(String.init).joined(separator: ", ")
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(dims)), }"
        // magic(6) + version(2) + length(2) + header must be a multiple of 64, ending in "\n".
        while (10 + header.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93]) + Data("NUMPY".utf8) + Data([1, 0])
        withUnsafeBytes(of: UInt16(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(Data(header.utf8))
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    /// An 8-bit grayscale PNG. The zlib stream uses one stored (uncompressed) deflate block, which
    /// every PNG decoder accepts, so no compressor is needed.
    static func png(_ pixels: [UInt8], width: Int, height: Int) -> Data {
        var raw = [UInt8]()
        for y in 0..<height {
            raw.append(0)   // filter type None
            raw.append(contentsOf: pixels[(y * width)..<((y + 1) * width)])
        }
        precondition(raw.count <= 65_535, "test PNG writer handles one stored block only")
        var zlib: [UInt8] = [0x78, 0x01, 0x01]
        let length = UInt16(raw.count)
        zlib += [UInt8(length & 0xff), UInt8(length >> 8), UInt8(~length & 0xff), UInt8(~length >> 8)]
        zlib += raw
        zlib += bigEndian(adler32(raw))
        var ihdr = bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        ihdr += [8, 0, 0, 0, 0]   // bit depth 8, colour type 0 (gray), deflate, filter 0, no interlace
        var data = Data([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
        data += chunk("IHDR", ihdr) + chunk("IDAT", zlib) + chunk("IEND", [])
        return data
    }

    private static func chunk(_ type: String, _ body: [UInt8]) -> Data {
        let typed = Array(type.utf8) + body
        return Data(bigEndian(UInt32(body.count)) + typed + bigEndian(crc32(typed)))
    }

    private static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)]
    }

    /// zlib's Adler-32: (b << 16) | a with a = 1 + sum of bytes, b = sum of the running a, mod 65521.
    private static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in bytes { a = (a + UInt32(byte)) % 65_521; b = (b + a) % 65_521 }
        return (b << 16) | a
    }

    /// The CRC-32 of PNG chunks (polynomial 0xEDB88320, reflected).
    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xffff_ffff
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xedb8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
