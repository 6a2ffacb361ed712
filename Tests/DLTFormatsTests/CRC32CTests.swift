import Testing
@testable import DLTFormats

@Test func crc32cOfTheStandardCheckString() {
    #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
}

@Test func crc32cOfEmptyInputIsZero() {
    #expect(CRC32C.checksum([]) == 0)
}

/// RFC 3720 (iSCSI) appendix B.4 test vectors.
@Test func crc32cMatchesTheISCSIVectors() {
    #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
    #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
    #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
    #expect(CRC32C.checksum((0..<32).map { UInt8(31 - $0) }) == 0x113F_DB5C)
}

/// The 8-bytes-at-a-time path and the byte tail must agree with a bitwise reference at every length.
@Test func crc32cAgreesWithTheBitwiseDefinitionAtEveryLength() {
    func bitwise(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        return ~crc
    }
    var state: UInt32 = 12345
    let bytes: [UInt8] = (0..<100).map { _ in
        state = state &* 1_664_525 &+ 1_013_904_223
        return UInt8(state >> 24)
    }
    for length in 0...bytes.count {
        let prefix = Array(bytes[0..<length])
        #expect(CRC32C.checksum(prefix) == bitwise(prefix), "length \(length)")
    }
}

@Test func crc32cUpdateContinuesARunningChecksum() {
    let first = Array("12345".utf8), second = Array("6789".utf8)
    let running = second.withUnsafeBytes { CRC32C.update(CRC32C.checksum(first), $0) }
    #expect(running == 0xE306_9283)
}

/// Values from TensorBoard's own `masked_crc32c` (tensorboard.compat.tensorflow_stub).
@Test func maskedCRCMatchesTensorBoard() {
    #expect(CRC32C.masked(CRC32C.checksum(Array("123456789".utf8))) == 0xC78A_B0E5)
    #expect(CRC32C.masked(CRC32C.checksum([])) == 0xA282_EAD8)
}
