/// The safetensors format (https://huggingface.co/docs/safetensors), float32 only:
///
///     [8 bytes: N, little-endian UInt64][N bytes: JSON header, space-padded][tensor data]
///
/// The header maps each tensor name to `{"dtype":"F32","shape":[...],"data_offsets":[begin,end]}`
/// (offsets relative to the start of the data) and `"__metadata__"` to a string→string map.
///
/// dlt adds two metadata entries when encoding:
/// - `format_version`: `"1"` (kept if the caller set one);
/// - `checksum`: `"crc32c:xxxxxxxx"`, the CRC-32C (8 lowercase hex digits) of the whole data
///   section, i.e. every tensor's bytes in file order. Readers verify it when present; files
///   written by other tools usually have none and are accepted as they are.
public enum SafeTensors {
    /// The `format_version` dlt writes.
    public static let formatVersion = "1"
    /// Metadata key of the data checksum.
    public static let checksumKey = "checksum"
    /// Metadata key of the format version.
    public static let formatVersionKey = "format_version"
    /// The safetensors reference implementation refuses headers over 100 MB; so do we.
    static let maximumHeaderLength = 100_000_000

    /// The checksum metadata value for a data section: `"crc32c:" + 8 hex digits`.
    static func checksumValue(_ data: UnsafeRawBufferPointer) -> String {
        let hex = String(CRC32C.checksum(data), radix: 16)
        return "crc32c:" + String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// The file's bytes. Tensors are stored in the given order, contiguously; the header is
    /// padded with spaces so the data starts at an 8-byte aligned offset.
    /// Traps only on a programming error: a tensor whose `values.count` differs from its shape's
    /// element count, or a negative dimension (callers build tensors from layers they own).
    public static func encode(_ file: SafeTensorsFile) -> [UInt8] {
        var data: [UInt8] = []
        data.reserveCapacity(file.tensors.reduce(0) { $0 + $1.values.count * 4 })
        var entries: [String] = []
        for tensor in file.tensors {
            precondition(tensor.shape.allSatisfy { $0 >= 0 }, "tensor '\(tensor.name)' has a negative dimension")
            precondition(tensor.shape.reduce(1, *) == tensor.values.count,
                         "tensor '\(tensor.name)' has \(tensor.values.count) values for shape \(tensor.shape)")
            let begin = data.count
            appendLittleEndian(tensor.values, to: &data)
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            entries.append("\(HeaderJSON.quoted(tensor.name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(begin),\(data.count)]}")
        }
        var metadata = file.metadata
        if metadata[formatVersionKey] == nil { metadata[formatVersionKey] = formatVersion }
        metadata[checksumKey] = data.withUnsafeBytes { checksumValue($0) }
        let metadataJSON = metadata.sorted { $0.key < $1.key }
            .map { "\(HeaderJSON.quoted($0.key)):\(HeaderJSON.quoted($0.value))" }
            .joined(separator: ",")
        entries.insert("\"__metadata__\":{\(metadataJSON)}", at: 0)

        var header = Array(("{" + entries.joined(separator: ",") + "}").utf8)
        while (8 + header.count) % 8 != 0 { header.append(UInt8(ascii: " ")) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + header.count + data.count)
        var length = UInt64(header.count).littleEndian
        withUnsafeBytes(of: &length) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: header)
        bytes.append(contentsOf: data)
        return bytes
    }

    /// Reads and validates a safetensors file (see `parse(bytes:name:)`).
    public static func read(path: String) throws -> SafeTensorsFile {
        let bytes = try FileIO.readAll(path: path)
        return try parse(bytes: bytes, name: path)
    }

    /// Writes `file` crash-safely: to `<path>.tmp-<pid>`, fsync, rename over `path`, fsync the
    /// directory. On any failure the temporary file is removed, an existing file at `path` is left
    /// as it was, and a `FormatError` says why.
    /// A tensor whose values do not fill its shape is reported here rather than trapping in `encode`.
    public static func write(_ file: SafeTensorsFile, to path: String) throws {
        for tensor in file.tensors {
            let count = tensor.shape.allSatisfy { $0 >= 0 } ? tensor.shape.reduce(1, *) : -1
            guard count == tensor.values.count else {
                throw FormatError(file: path, message: "tensor '\(tensor.name)' has \(tensor.values.count) values for shape \(tensor.shape)")
            }
        }
        try FileIO.writeAtomically(encode(file), to: path)
    }

    private static func appendLittleEndian(_ values: [Float], to data: inout [UInt8]) {
        guard !values.isEmpty else { return }
        let start = data.count
        data.append(contentsOf: repeatElement(0, count: values.count * 4))
        data.withUnsafeMutableBytes { raw in
            #if _endian(little)
            values.withUnsafeBytes { raw.baseAddress!.advanced(by: start).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            #else
            for (index, value) in values.enumerated() {
                raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: start + 4 * index, as: UInt32.self)
            }
            #endif
        }
    }
}
