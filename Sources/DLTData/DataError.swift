import Foundation

/// A problem with a data file, reported as one line: `FILE: what is wrong`.
public struct DataError: Error, CustomStringConvertible, Equatable {
    /// The file (or the name given to a `parse(data:name:)` entry point) the problem is in.
    public let file: String
    /// What is wrong, without the file name.
    public let message: String

    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }

    public var description: String { "\(file): \(message)" }
}

/// Reads whole files into memory with errors that say which file and why.
enum FileBytes {
    /// The bytes of the file at `path`; a missing file or a directory is a `DataError`.
    static func read(_ path: String) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataError(file: path, message: "no such file")
        }
        if isDirectory.boolValue {
            throw DataError(file: path, message: "is a directory, expected a file")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw DataError(file: path, message: "cannot open for reading (permission denied?)")
        }
        defer { try? handle.close() }
        do {
            let data = try handle.readToEnd() ?? Data()
            return [UInt8](data)
        } catch {
            throw DataError(file: path, message: "read failed: \(error.localizedDescription)")
        }
    }

    /// The file's bytes, inflated when they start with the gzip magic (0x1f 0x8b).
    static func readMaybeGzip(_ path: String) throws -> [UInt8] {
        let raw = try read(path)
        return try Gzip.inflateIfCompressed(raw, name: path)
    }

    /// Writes `bytes` to `path` atomically (temporary file + rename).
    static func write(_ bytes: [UInt8], to path: String) throws {
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw DataError(file: path, message: "cannot write: \(error.localizedDescription)")
        }
    }
}

/// Big-endian and little-endian integer loads from byte arrays, bounds checked by the callers.
extension Array where Element == UInt8 {
    func bigEndianUInt32(at offset: Int) -> UInt32 {
        UInt32(self[offset]) << 24 | UInt32(self[offset + 1]) << 16
            | UInt32(self[offset + 2]) << 8 | UInt32(self[offset + 3])
    }

    func littleEndianUInt16(at offset: Int) -> UInt16 {
        UInt16(self[offset]) | UInt16(self[offset + 1]) << 8
    }

    func littleEndianUInt32(at offset: Int) -> UInt32 {
        UInt32(self[offset]) | UInt32(self[offset + 1]) << 8
            | UInt32(self[offset + 2]) << 16 | UInt32(self[offset + 3]) << 24
    }
}
