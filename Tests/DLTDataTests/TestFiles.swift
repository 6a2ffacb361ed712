import CZlib
import Foundation
@testable import DLTData

/// A fresh temporary directory per test, with helpers to write fixture bytes into it.
struct TestDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "dlt-data-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `bytes` to `name` inside the directory and returns the full path.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let file = path + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }

    func write(_ name: String, text: String) throws -> String {
        try write(name, Array(text.utf8))
    }

    /// Compresses `file` with /bin/gzip (keeping the original) and returns the `.gz` path.
    func gzipWithTool(_ file: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-k", "-f", file]
        try process.run()
        process.waitUntilExit()
        return file + ".gz"
    }
}

/// Builders of IDX bytes: magic, big-endian sizes, payload.
enum IDXBytes {
    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)]
    }

    static func images(count: Int, height: Int, width: Int, pixel: (Int, Int) -> UInt8) -> [UInt8] {
        var bytes = bigEndian(0x803) + bigEndian(UInt32(count)) + bigEndian(UInt32(height)) + bigEndian(UInt32(width))
        for image in 0..<count {
            for offset in 0..<(height * width) { bytes.append(pixel(image, offset)) }
        }
        return bytes
    }

    static func labels(_ values: [UInt8]) -> [UInt8] {
        bigEndian(0x801) + bigEndian(UInt32(values.count)) + values
    }
}

/// A minimal PNG encoder (filter 0, one IDAT) so tests can make every colour type libpng reads.
enum PNGBytes {
    /// - Parameters: colorType 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA; `rows` hold raw samples.
    static func make(width: Int, height: Int, bitDepth: UInt8, colorType: UInt8, rows: [[UInt8]],
                     palette: [UInt8]? = nil) -> [UInt8] {
        var raw: [UInt8] = []
        for row in rows { raw += [0] + row }
        var compressedSize = compressBound(UInt(raw.count))
        var compressed = [UInt8](repeating: 0, count: Int(compressedSize))
        _ = compress(&compressed, &compressedSize, raw, UInt(raw.count))
        compressed.removeLast(compressed.count - Int(compressedSize))
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        let header = IDXBytes.bigEndian(UInt32(width)) + IDXBytes.bigEndian(UInt32(height)) + [bitDepth, colorType, 0, 0, 0]
        png += chunk("IHDR", header)
        if let palette { png += chunk("PLTE", palette) }
        png += chunk("IDAT", compressed)
        png += chunk("IEND", [])
        return png
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        let crc = typed.withUnsafeBufferPointer { crc32(0, $0.baseAddress, UInt32($0.count)) }
        return IDXBytes.bigEndian(UInt32(data.count)) + typed + IDXBytes.bigEndian(UInt32(crc))
    }
}

/// Runs `body`, expecting a `DataError`; returns its one-line description ("" when none was thrown).
func dataErrorText(_ body: () throws -> Any) -> String {
    do {
        _ = try body()
        return ""
    } catch let error as DataError {
        return error.description
    } catch {
        return "unexpected error type: \(error)"
    }
}
