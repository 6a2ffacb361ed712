/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, init and final xor 0xFFFFFFFF), the
/// checksum TensorBoard's record format uses and the one dlt stores in checkpoint metadata.
/// `crc32c("123456789") == 0xE3069283`.
///
/// Slicing-by-8: eight 256-entry tables let the loop consume 8 bytes per step, which keeps
/// checksumming a 100 MB checkpoint well under a second.
public enum CRC32C {
    /// Eight tables of 256 entries, flattened: entry `slice * 256 + byte`.
    private static let table: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
            table[byte] = crc
        }
        for slice in 1..<8 {
            for byte in 0..<256 {
                let previous = table[(slice - 1) * 256 + byte]
                table[slice * 256 + byte] = (previous >> 8) ^ table[Int(previous & 0xFF)]
            }
        }
        return table
    }()

    /// The CRC-32C of `bytes`.
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        update(0, bytes)
    }

    /// The CRC-32C of `bytes`.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    /// Continues a running CRC: `update(checksum(a), b) == checksum(a + b)`.
    public static func update(_ previous: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc = ~previous
        let count = bytes.count
        guard count > 0, let base = bytes.baseAddress else { return previous }
        return table.withUnsafeBufferPointer { table -> UInt32 in
            var index = 0
            while index + 8 <= count {
                let low = UInt32(base.load(fromByteOffset: index, as: UInt8.self))
                    | UInt32(base.load(fromByteOffset: index + 1, as: UInt8.self)) << 8
                    | UInt32(base.load(fromByteOffset: index + 2, as: UInt8.self)) << 16
                    | UInt32(base.load(fromByteOffset: index + 3, as: UInt8.self)) << 24
                let word = crc ^ low
                crc = table[7 * 256 + Int(word & 0xFF)]
                    ^ table[6 * 256 + Int((word >> 8) & 0xFF)]
                    ^ table[5 * 256 + Int((word >> 16) & 0xFF)]
                    ^ table[4 * 256 + Int(word >> 24)]
                    ^ table[3 * 256 + Int(base.load(fromByteOffset: index + 4, as: UInt8.self))]
                    ^ table[2 * 256 + Int(base.load(fromByteOffset: index + 5, as: UInt8.self))]
                    ^ table[1 * 256 + Int(base.load(fromByteOffset: index + 6, as: UInt8.self))]
                    ^ table[Int(base.load(fromByteOffset: index + 7, as: UInt8.self))]
                index += 8
            }
            while index < count {
                let byte = base.load(fromByteOffset: index, as: UInt8.self)
                crc = (crc >> 8) ^ table[Int((crc ^ UInt32(byte)) & 0xFF)]
                index += 1
            }
            return ~crc
        }
    }

    /// TensorBoard's masked form, `((crc >> 15) | (crc << 17)) &+ 0xA282EAD8`, used in event
    /// records so that a CRC of data that itself holds CRCs stays well distributed.
    public static func masked(_ crc: UInt32) -> UInt32 {
        ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }
}
