import Testing
@testable import DLTData

@Suite struct ImageReaderTests {
    func read(_ bytes: [UInt8], channels: Int? = nil) throws -> (channels: Int, height: Int, width: Int, pixels: [UInt8]) {
        try ImageReader.parse(data: bytes, name: "img", channels: channels)
    }

    @Test func grayPNG() throws {
        let png = PNGBytes.make(width: 3, height: 2, bitDepth: 8, colorType: 0, rows: [[0, 100, 200], [1, 2, 3]])
        let image = try read(png)
        #expect(image.channels == 1 && image.height == 2 && image.width == 3)
        #expect(image.pixels == [0, 100, 200, 1, 2, 3])
    }

    @Test func rgbPNGBecomesCHWPlanes() throws {
        let png = PNGBytes.make(width: 2, height: 1, bitDepth: 8, colorType: 2, rows: [[10, 20, 30, 40, 50, 60]])
        let image = try read(png)
        #expect(image.channels == 3)
        #expect(image.pixels == [10, 40, 20, 50, 30, 60])
    }

    @Test func alphaFormatsKeepTheirAlphaPlane() throws {
        let ga = try read(PNGBytes.make(width: 2, height: 1, bitDepth: 8, colorType: 4, rows: [[10, 255, 20, 255]]))
        #expect(ga.channels == 2 && ga.pixels == [10, 20, 255, 255])
        let rgba = try read(PNGBytes.make(width: 1, height: 1, bitDepth: 8, colorType: 6, rows: [[1, 2, 3, 255]]))
        #expect(rgba.channels == 4 && rgba.pixels == [1, 2, 3, 255])
    }

    @Test func palettePNGIsExpandedToRGB() throws {
        let palette: [UInt8] = [255, 0, 0, 0, 0, 255]
        let image = try read(PNGBytes.make(width: 2, height: 1, bitDepth: 8, colorType: 3, rows: [[1, 0]], palette: palette))
        #expect(image.channels == 3)
        #expect(image.pixels == [0, 255, 0, 0, 255, 0])
    }

    @Test func sixteenBitIsScaledToEightBit() throws {
        let image = try read(PNGBytes.make(width: 3, height: 1, bitDepth: 16, colorType: 0, rows: [[0, 0, 0x80, 0x80, 0xFF, 0xFF]]))
        #expect(image.channels == 1)
        #expect(image.pixels == [0, 128, 255])
    }

    @Test func conversionToRequestedChannels() throws {
        let rgb = PNGBytes.make(width: 1, height: 1, bitDepth: 8, colorType: 2, rows: [[200, 200, 200]])
        let gray = try read(rgb, channels: 1)
        #expect(gray.channels == 1 && gray.pixels.count == 1)
        #expect(abs(Int(gray.pixels[0]) - 200) <= 2)
        let fromGray = try read(PNGBytes.make(width: 1, height: 1, bitDepth: 8, colorType: 0, rows: [[7]]), channels: 3)
        #expect(fromGray.channels == 3 && fromGray.pixels == [7, 7, 7])
        #expect(dataErrorText { try read(rgb, channels: 2) }.contains("1 or 3 channels"))
    }

    @Test func pgmBinaryAndASCII() throws {
        let p5 = Array("P5\n# comment\n3 1\n255\n".utf8) + [0, 128, 255]
        #expect(try read(p5).pixels == [0, 128, 255])
        let p2 = Array("P2 2 2 15\n0 15\n 5 10\n".utf8)
        let ascii = try read(p2)
        #expect(ascii.height == 2 && ascii.width == 2 && ascii.pixels == [0, 255, 85, 170])
        let sixteen = Array("P5 2 1 65535\n".utf8) + [0xFF, 0xFF, 0x80, 0x00]
        #expect(try read(sixteen).pixels == [255, 128])
    }

    @Test func badImagesAreErrors() throws {
        #expect(dataErrorText { try read(Array("GIF89a....".utf8)) } == "img: not a PNG or PGM (P5/P2) image")
        #expect(dataErrorText { try read(Array("P5 0 4 255\n".utf8)) } == "img: zero-sized image (0x4)")
        #expect(dataErrorText { try read(Array("P5 2 2 255\n".utf8) + [1, 2]) }.hasPrefix("img: truncated PGM"))
        #expect(dataErrorText { try read(Array("P2 2 1 255\n4".utf8)) } == "img: bad PGM header: expected pixel 1")
        let png = PNGBytes.make(width: 4, height: 4, bitDepth: 8, colorType: 0, rows: Array(repeating: [1, 2, 3, 4], count: 4))
        #expect(dataErrorText { try read(Array(png.prefix(40))) }.hasPrefix("img: bad PNG: "))
        var corrupt = png
        corrupt[20] ^= 0xFF   // inside IHDR: its CRC no longer matches
        #expect(dataErrorText { try read(corrupt) }.hasPrefix("img: bad PNG: "))
        let zeroWidth = PNGBytes.make(width: 0, height: 1, bitDepth: 8, colorType: 0, rows: [[]])
        #expect(dataErrorText { try read(zeroWidth) }.hasPrefix("img: bad PNG: "))
    }

    @Test func pngWriterRoundTrips() throws {
        let directory = try TestDirectory()
        let width = 5, height = 3
        let rgb = (0..<(width * height * 3)).map { UInt8(($0 * 17) % 256) }
        let path = directory.path + "/out.png"
        try PNGWriter.write(rgb: rgb, width: width, height: height, to: path)
        let image = try ImageReader.read(path: path)
        #expect(image.channels == 3 && image.width == width && image.height == height)
        let interleaved = (0..<(width * height)).flatMap { pixel in (0..<3).map { image.pixels[$0 * width * height + pixel] } }
        #expect(interleaved == rgb)
        #expect(dataErrorText { try PNGWriter.encode(rgb: [1, 2], width: 5, height: 3) }.contains("2 bytes given"))
    }

    @Test func pngWriterHandlesIncompressibleImages() throws {
        // Pseudo-random pixels do not compress: the first size guess is too small.
        var state: UInt32 = 12345
        let rgb = (0..<(64 * 64 * 3)).map { _ -> UInt8 in
            state = state &* 1664525 &+ 1013904223
            return UInt8(state >> 24)
        }
        let bytes = try PNGWriter.encode(rgb: rgb, width: 64, height: 64)
        let image = try ImageReader.parse(data: bytes, name: "r")
        #expect(image.pixels.count == rgb.count)
        #expect(image.pixels[0] == rgb[0] && image.pixels[64 * 64] == rgb[1])
    }
}
