import Foundation
import Testing
@testable import DLTFormats

/// A small checkpoint-like file: a dense layer's weight [3, 2] and bias [3], a scalar, an empty tensor.
func sampleFile() -> SafeTensorsFile {
    SafeTensorsFile(tensors: [
        NamedTensor(name: "dense_0.weight", shape: [3, 2], values: [0.5, -1.25, 3, 1e-30, -0.0, .greatestFiniteMagnitude]),
        NamedTensor(name: "dense_0.bias", shape: [3], values: [0.1, 0.2, 0.3]),
        NamedTensor(name: "optimizer.dense_0.weight.step", shape: [], values: [7]),
        NamedTensor(name: "empty", shape: [0, 4], values: []),
    ], metadata: ["epoch": "3", "config": "name: \"mlp\"\nlayers:\n  - dense: {units: 3}\n"])
}

@Test func encodeThenParseGivesBackTensorsInOrderAndMetadata() throws {
    let original = sampleFile()
    let decoded = try SafeTensors.parse(bytes: SafeTensors.encode(original), name: "sample")
    #expect(decoded.tensors == original.tensors)
    #expect(decoded.metadata["epoch"] == "3")
    #expect(decoded.metadata["config"] == original.metadata["config"])
    #expect(decoded.metadata["format_version"] == "1")
    #expect(decoded["dense_0.bias"]?.values == [0.1, 0.2, 0.3])
}

@Test func encodeStoresTheCRC32COfTheDataSection() throws {
    let bytes = SafeTensors.encode(sampleFile())
    let headerLength = Int(bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
    let data = Array(bytes[(8 + headerLength)...])
    #expect(data.count == (6 + 3 + 1) * 4)
    let hex = String(CRC32C.checksum(data), radix: 16)
    let decoded = try SafeTensors.parse(bytes: bytes, name: "sample")
    #expect(decoded.metadata["checksum"] == "crc32c:" + String(repeating: "0", count: 8 - hex.count) + hex)
}

@Test func headerIsSpacePaddedSoDataStartsAligned() throws {
    for extra in 0..<9 {
        let file = SafeTensorsFile(tensors: [NamedTensor(name: String(repeating: "w", count: extra + 1), shape: [1], values: [1])])
        let bytes = SafeTensors.encode(file)
        let headerLength = Int(bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        #expect((8 + headerLength) % 8 == 0)
        #expect(bytes[8] == UInt8(ascii: "{"))
        let header = String(decoding: bytes[8..<(8 + headerLength)], as: UTF8.self)
        #expect(header.trimmingCharacters(in: .whitespaces).hasSuffix("}"))
    }
}

@Test func callerFormatVersionIsKeptAndChecksumIsAlwaysRecomputed() throws {
    var file = sampleFile()
    file.metadata["format_version"] = "2"
    file.metadata["checksum"] = "crc32c:00000000"
    let decoded = try SafeTensors.parse(bytes: SafeTensors.encode(file), name: "sample")
    #expect(decoded.metadata["format_version"] == "2")
    #expect(decoded.metadata["checksum"] != "crc32c:00000000")
}

@Test func namesAndMetadataWithQuotesBackslashesAndUnicodeRoundTrip() throws {
    let name = "layer \"α\"\\β\n\u{1F600}"
    let file = SafeTensorsFile(tensors: [NamedTensor(name: name, shape: [2], values: [1, 2])],
                               metadata: ["note": "tab\there \u{0001} \"quoted\" ✓"])
    let decoded = try SafeTensors.parse(bytes: SafeTensors.encode(file), name: "unicode")
    #expect(decoded.tensors.first?.name == name)
    #expect(decoded.metadata["note"] == file.metadata["note"])
}

@Test func nanAndInfinityKeepTheirBitPatterns() throws {
    let payloadNaN = Float(bitPattern: 0x7FC0_1234)
    let file = SafeTensorsFile(tensors: [NamedTensor(name: "x", shape: [3], values: [payloadNaN, .infinity, -.infinity])])
    let decoded = try SafeTensors.parse(bytes: SafeTensors.encode(file), name: "nan")
    #expect(decoded.tensors[0].values.map(\.bitPattern) == [0x7FC0_1234, Float.infinity.bitPattern, (-Float.infinity).bitPattern])
}

@Test func writeThenReadThroughTheFileSystem() throws {
    let directory = try ScratchDirectory()
    let path = directory.file("last.safetensors")
    try SafeTensors.write(sampleFile(), to: path)
    #expect(try SafeTensors.read(path: path).tensors == sampleFile().tensors)
    #expect(try directory.contents() == ["last.safetensors"])
}

@Test func writeReplacesAnExistingFile() throws {
    let directory = try ScratchDirectory()
    let path = directory.file("last.safetensors")
    try SafeTensors.write(sampleFile(), to: path)
    let newer = SafeTensorsFile(tensors: [NamedTensor(name: "only", shape: [1], values: [42])])
    try SafeTensors.write(newer, to: path)
    #expect(try SafeTensors.read(path: path).tensors == newer.tensors)
}

@Test func writeRefusesValuesThatDoNotFillTheShape() throws {
    let directory = try ScratchDirectory()
    let bad = SafeTensorsFile(tensors: [NamedTensor(name: "w", shape: [2, 2], values: [1, 2, 3])])
    let error = #expect(throws: FormatError.self) { try SafeTensors.write(bad, to: directory.file("bad.safetensors")) }
    #expect(error?.message == "tensor 'w' has 3 values for shape [2, 2]")
    #expect(try directory.contents().isEmpty)
}
