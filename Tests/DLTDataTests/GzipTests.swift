import Testing
@testable import DLTData

@Suite struct GzipTests {
    @Test func inflatesWhatGzipToolWrote() throws {
        let directory = try TestDirectory()
        let original = (0..<5000).map { UInt8($0 % 251) }
        let file = try directory.write("plain.bin", original)
        let compressed = try FileBytes.read(directory.gzipWithTool(file))
        #expect(Gzip.isCompressed(compressed))
        #expect(try Gzip.inflate(compressed, name: "x.gz") == original)
    }

    @Test func roundTripsOwnDeflate() throws {
        let original = Array("hello hello hello gzip".utf8)
        #expect(try Gzip.inflate(Gzip.deflate(original), name: "x") == original)
    }

    @Test func concatenatedMembersAreJoined() throws {
        let joined = Gzip.deflate(Array("abc".utf8)) + Gzip.deflate(Array("def".utf8))
        #expect(try Gzip.inflate(joined, name: "x") == Array("abcdef".utf8))
    }

    @Test func truncatedStreamIsAnError() throws {
        let compressed = Gzip.deflate((0..<10000).map { UInt8($0 % 7) })
        let cut = Array(compressed.prefix(compressed.count / 2))
        let text = dataErrorText { try Gzip.inflate(cut, name: "cut.gz") }
        #expect(text.hasPrefix("cut.gz: truncated gzip"))
    }

    @Test func corruptStreamIsAnError() throws {
        var compressed = Gzip.deflate((0..<10000).map { UInt8($0 % 7) })
        // Flip bytes in the deflate body: either the block structure or the CRC check fails.
        for index in 12..<20 { compressed[index] ^= 0x5A }
        let text = dataErrorText { try Gzip.inflate(compressed, name: "bad.gz") }
        #expect(text.hasPrefix("bad.gz: "))
        #expect(text.contains("corrupt") || text.contains("truncated"))
    }

    @Test func badCRCIsCorrupt() throws {
        var compressed = Gzip.deflate(Array("some text to check".utf8))
        compressed[compressed.count - 6] ^= 0xFF   // inside the CRC32 trailer
        #expect(dataErrorText { try Gzip.inflate(compressed, name: "crc.gz") }.contains("corrupt gzip data"))
    }

    @Test func plainBytesPassThrough() throws {
        let bytes: [UInt8] = [0, 0, 8, 3]
        #expect(try Gzip.inflateIfCompressed(bytes, name: "x") == bytes)
    }
}
