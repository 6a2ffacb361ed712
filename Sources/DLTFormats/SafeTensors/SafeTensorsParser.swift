extension SafeTensors {
    /// Parses and validates the bytes of a safetensors file; `name` labels errors (a path, or
    /// anything when fuzzing). Every malformation is a `FormatError`, never a trap: truncated or
    /// absurd header length, bad JSON, a dtype other than F32, offsets out of range, overlapping
    /// or not matching `shape` × 4 bytes, duplicate names, and a `checksum` that does not match.
    /// Tensors come back in data-offset order (the order `encode` was given).
    public static func parse(bytes: [UInt8], name: String) throws -> SafeTensorsFile {
        try bytes.withUnsafeBytes { try parse(raw: $0, name: name) }
    }

    private struct Entry {
        let name: String
        let shape: [Int]
        let begin: Int
        let end: Int
    }

    private static func parse(raw: UnsafeRawBufferPointer, name: String) throws -> SafeTensorsFile {
        func fail(_ message: String) -> FormatError { FormatError(file: name, message: message) }

        guard raw.count >= 8 else {
            throw fail("truncated header: the file has \(raw.count) bytes, a safetensors file starts with an 8-byte header length")
        }
        let declared = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
        guard declared <= UInt64(maximumHeaderLength) else {
            throw fail("header length \(declared) is absurd (limit \(maximumHeaderLength)): not a safetensors file")
        }
        let headerLength = Int(declared)
        guard headerLength <= raw.count - 8 else {
            throw fail("truncated header: it declares \(headerLength) bytes but the file has only \(raw.count - 8) after the length")
        }
        let headerBytes = UnsafeRawBufferPointer(rebasing: raw[8..<(8 + headerLength)])
        let data = UnsafeRawBufferPointer(rebasing: raw[(8 + headerLength)...])

        let json: HeaderJSON
        do { json = try HeaderJSONParser.parse(headerBytes) } catch {
            throw fail("bad header JSON: \(error.message)")
        }
        guard case let .object(members) = json else { throw fail("bad header JSON: the header is not a JSON object") }

        var metadata: [String: String] = [:]
        var entries: [Entry] = []
        var seen = Set<String>()
        for (key, value) in members {
            guard seen.insert(key).inserted else { throw fail("duplicate tensor name '\(key)' in the header") }
            if key == "__metadata__" {
                metadata = try parseMetadata(value, fail: fail)
            } else {
                entries.append(try parseEntry(key, value, dataCount: data.count, fail: fail))
            }
        }

        entries.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        for (previous, next) in zip(entries, entries.dropFirst()) where next.begin < previous.end {
            throw fail("tensors '\(previous.name)' and '\(next.name)' overlap in the data section")
        }

        if let stored = metadata[checksumKey] {
            guard stored.hasPrefix("crc32c:") else {
                throw fail("unsupported checksum '\(stored)' in metadata (dlt writes crc32c:xxxxxxxx)")
            }
            guard checksumValue(data) == stored.lowercased() else {
                throw fail("checksum mismatch: the file is corrupt (stored \(stored), computed \(checksumValue(data)))")
            }
        }

        let tensors = entries.map { entry in
            NamedTensor(name: entry.name, shape: entry.shape,
                        values: floats(UnsafeRawBufferPointer(rebasing: data[entry.begin..<entry.end])))
        }
        return SafeTensorsFile(tensors: tensors, metadata: metadata)
    }

    private static func parseMetadata(_ value: HeaderJSON, fail: (String) -> FormatError) throws -> [String: String] {
        guard case let .object(pairs) = value else { throw fail("__metadata__ is not a JSON object of strings") }
        var metadata: [String: String] = [:]
        for (key, entry) in pairs {
            guard case let .string(text) = entry else { throw fail("__metadata__ entry '\(key)' is not a string") }
            guard metadata.updateValue(text, forKey: key) == nil else { throw fail("duplicate __metadata__ key '\(key)'") }
        }
        return metadata
    }

    private static func parseEntry(_ name: String, _ value: HeaderJSON, dataCount: Int,
                                   fail: (String) -> FormatError) throws -> Entry {
        guard case let .object(fields) = value else { throw fail("tensor '\(name)' is not described by a JSON object") }
        func field(_ key: String) -> HeaderJSON? { fields.first { $0.key == key }?.value }
        func integers(_ key: String) throws -> [Int] {
            guard case let .array(items)? = field(key) else { throw fail("tensor '\(name)' has no '\(key)' list") }
            return try items.map { item in
                guard case let .number(text) = item, let number = Int(text), number >= 0 else {
                    throw fail("tensor '\(name)' has a '\(key)' entry that is not a non-negative integer")
                }
                return number
            }
        }

        guard case let .string(dtype)? = field("dtype") else { throw fail("tensor '\(name)' has no dtype") }
        guard dtype == "F32" else { throw fail("tensor '\(name)' has dtype \(dtype); dlt reads F32") }
        let shape = try integers("shape")
        let offsets = try integers("data_offsets")
        guard offsets.count == 2 else { throw fail("tensor '\(name)' needs data_offsets [begin, end], got \(offsets.count) numbers") }
        let (begin, end) = (offsets[0], offsets[1])
        guard begin <= end, end <= dataCount else {
            throw fail("tensor '\(name)' data_offsets [\(begin), \(end)] fall outside the \(dataCount)-byte data section (truncated file?)")
        }
        var elements = 1
        for dimension in shape {
            let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw fail("tensor '\(name)' shape \(shape) is too large") }
            elements = product
        }
        let (byteCount, overflow) = elements.multipliedReportingOverflow(by: 4)
        guard !overflow, byteCount == end - begin else {
            throw fail("tensor '\(name)' has shape \(shape) (\(elements) floats) but data_offsets span \(end - begin) bytes")
        }
        return Entry(name: name, shape: shape, begin: begin, end: end)
    }

    /// Little-endian float32 bytes to `[Float]`; `bytes.count` is a multiple of 4.
    private static func floats(_ bytes: UnsafeRawBufferPointer) -> [Float] {
        let count = bytes.count / 4
        // With capacity 0 the standard library writes the count into its shared empty-array
        // storage, which ThreadSanitizer reports as a race between two parsers on two threads.
        guard count > 0 else { return [] }
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            #if _endian(little)
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: bytes)
            #else
            for index in 0..<count {
                buffer[index] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self)))
            }
            #endif
            initialized = count
        }
    }
}
