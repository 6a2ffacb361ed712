import Foundation

/// A minimal safetensors reader, independent of dlt's own, so that tests compare checkpoints the
/// way any other tool would: 8-byte little-endian header length, JSON header, then the data.
struct SafeTensorsFile {
    struct Entry {
        let dtype: String
        let shape: [Int]
        let bytes: Data
    }

    let tensors: [String: Entry]
    let metadata: [String: String]

    init(path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard data.count >= 8 else { throw ReadError("\(path): shorter than the 8-byte header length") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(data.count - 8) else { throw ReadError("\(path): header length \(headerLength) past the end") }
        let headerEnd = 8 + Int(headerLength)
        guard let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<headerEnd)) as? [String: Any] else {
            throw ReadError("\(path): the header is not a JSON object")
        }
        var tensors: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in header {
            if name == "__metadata__" {
                metadata = value as? [String: String] ?? [:]
                continue
            }
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
                  let shape = info["shape"] as? [Int], let offsets = info["data_offsets"] as? [Int], offsets.count == 2,
                  offsets[0] <= offsets[1], headerEnd + offsets[1] <= data.count else {
                throw ReadError("\(path): bad header entry for '\(name)'")
            }
            tensors[name] = Entry(dtype: dtype, shape: shape, bytes: data.subdata(in: (headerEnd + offsets[0])..<(headerEnd + offsets[1])))
        }
        self.tensors = tensors
        self.metadata = metadata
    }

    /// Names of tensors whose bytes, shape or dtype differ between the two files, plus names only one has.
    func differences(from other: SafeTensorsFile) -> [String] {
        let names = Set(tensors.keys).union(other.tensors.keys)
        return names.sorted().filter { name in
            guard let a = tensors[name], let b = other.tensors[name] else { return true }
            return a.dtype != b.dtype || a.shape != b.shape || a.bytes != b.bytes
        }
    }

    /// The float32 values of one tensor.
    func floats(_ name: String) -> [Float]? {
        guard let entry = tensors[name], entry.dtype == "F32" else { return nil }
        return entry.bytes.withUnsafeBytes { raw in
            (0..<(entry.bytes.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }

    struct ReadError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
