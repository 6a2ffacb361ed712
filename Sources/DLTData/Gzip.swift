import CZlib

/// gzip / zlib decompression through zlib's `inflate`.
public enum Gzip {
    /// True when `bytes` start with the gzip magic number 0x1f 0x8b.
    public static func isCompressed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    /// `bytes` inflated when they are gzip, unchanged otherwise.
    public static func inflateIfCompressed(_ bytes: [UInt8], name: String) throws -> [UInt8] {
        isCompressed(bytes) ? try inflate(bytes, name: name) : bytes
    }

    /// Inflates a gzip stream (several concatenated members allowed, as gzip writes them).
    /// A stream that ends early or fails its CRC is a `DataError` naming `name`.
    public static func inflate(_ bytes: [UInt8], name: String) throws -> [UInt8] {
        var output: [UInt8] = []
        // gzip stores the uncompressed size mod 2^32 in the last 4 bytes: a good first guess.
        let hinted = bytes.count >= 18 ? Int(bytes.littleEndianUInt32(at: bytes.count - 4)) : 0
        output.reserveCapacity(max(min(hinted, 1 << 30), bytes.count * 2))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var stream = z_stream()
        // windowBits 15 + 16: gzip wrapper only, with its CRC and length checked by zlib.
        guard inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataError(file: name, message: "zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }

        try bytes.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = UInt32(input.count)
            while true {
                let status: Int32 = chunk.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(out.count)
                    return CZlib.inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                output.append(contentsOf: chunk[0..<produced])
                switch status {
                case Z_OK:
                    if stream.avail_in == 0 && produced == 0 {
                        throw DataError(file: name, message: "truncated gzip data (stream ends early)")
                    }
                case Z_STREAM_END:
                    // Another gzip member may follow; trailing zero padding is tolerated.
                    let rest = Int(stream.avail_in)
                    let start = input.count - rest
                    if rest == 0 || input[start...].allSatisfy({ $0 == 0 }) { return }
                    guard inflateReset(&stream) == Z_OK else {
                        throw DataError(file: name, message: "zlib could not restart inflating")
                    }
                case Z_BUF_ERROR:
                    if stream.avail_in == 0 {
                        throw DataError(file: name, message: "truncated gzip data (stream ends early)")
                    }
                case Z_DATA_ERROR:
                    let detail = stream.msg.map { String(cString: $0) } ?? "invalid data"
                    throw DataError(file: name, message: "corrupt gzip data (\(detail))")
                case Z_MEM_ERROR:
                    throw DataError(file: name, message: "out of memory while inflating")
                default:
                    throw DataError(file: name, message: "gzip inflate failed (zlib status \(status))")
                }
            }
        }
        return output
    }

    /// Compresses `bytes` into a gzip stream (used by tests and tools that write .gz files).
    public static func deflate(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        // windowBits 15 + 16 writes a gzip header and trailer.
        deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                      zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 32)
        bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = UInt32(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = UInt32(out.count)
                _ = CZlib.deflate(&stream, Z_FINISH)
            }
        }
        output.removeLast(Int(stream.avail_out))
        return output
    }
}
