import Foundation
import Testing
@testable import DLTFormats

/// Builds a safetensors file by hand: `header` JSON text, padded to 8 bytes, then `data`.
private func handMade(header: String, data: [UInt8] = []) -> [UInt8] {
    var headerBytes = Array(header.utf8)
    while headerBytes.count % 8 != 0 { headerBytes.append(UInt8(ascii: " ")) }
    var length = UInt64(headerBytes.count).littleEndian
    return withUnsafeBytes(of: &length) { Array($0) } + headerBytes + data
}

private func parseError(_ bytes: [UInt8]) -> String? {
    do {
        _ = try SafeTensors.parse(bytes: bytes, name: "f.safetensors")
        return nil
    } catch let error as FormatError {
        #expect(error.kind == .invalidData)
        #expect(error.file == "f.safetensors")
        return error.message
    } catch {
        return "unexpected error type: \(error)"
    }
}

@Test func flippedDataByteIsReportedAsCorruption() throws {
    var bytes = SafeTensors.encode(sampleFile())
    bytes[bytes.count - 5] ^= 0x01
    let message = try #require(parseError(bytes))
    #expect(message.hasPrefix("checksum mismatch: the file is corrupt"))
}

@Test func filesWithoutAChecksumAreAccepted() throws {
    let bytes = handMade(header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#,
                         data: [0, 0, 128, 63, 0, 0, 0, 64])
    let file = try SafeTensors.parse(bytes: bytes, name: "torch.safetensors")
    #expect(file.tensors == [NamedTensor(name: "w", shape: [2], values: [1, 2])])
    #expect(file.metadata.isEmpty)
}

@Test func otherDtypesAreRefusedNamingTensorAndDtype() {
    let bytes = handMade(header: #"{"dense_0.weight":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}"#,
                         data: [UInt8](repeating: 0, count: 8))
    #expect(parseError(bytes) == "tensor 'dense_0.weight' has dtype F64; dlt reads F32")
}

@Test func truncatedFilesAreReportedNotCrashedOn() {
    let whole = SafeTensors.encode(sampleFile())
    #expect(parseError([])?.hasPrefix("truncated header") == true)
    #expect(parseError(Array(whole[0..<5]))?.hasPrefix("truncated header") == true)
    #expect(parseError(Array(whole[0..<20]))?.hasPrefix("truncated header") == true)
    // Cut inside the data: the last tensor's offsets now point past the end.
    let message = parseError(Array(whole.dropLast(3)))
    #expect(message?.contains("fall outside") == true)
    #expect(message?.contains("truncated file?") == true)
}

@Test func absurdHeaderLengthIsRefused() {
    let bytes: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F] + Array("{}".utf8)
    #expect(parseError(bytes)?.contains("is absurd") == true)
}

@Test func malformedHeadersAreRefused() {
    let cases: [(String, String)] = [
        (#"{"w": }"#, "bad header JSON"),
        (#"[1, 2]"#, "not a JSON object"),
        (#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}} trailing"#, "bad header JSON"),
        (#"{"w":{"shape":[2],"data_offsets":[0,8]}}"#, "has no dtype"),
        (#"{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, "not a non-negative integer"),
        (#"{"w":{"dtype":"F32","shape":[99999999999999999999],"data_offsets":[0,8]}}"#, "not a non-negative integer"),
        (#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0]}}"#, "needs data_offsets [begin, end]"),
        (#"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, "data_offsets span 8 bytes"),
        (#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, "fall outside"),
        (#"{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}}"#, "too large"),
        (#"{"__metadata__":{"epoch":3}}"#, "is not a string"),
        (#"{"__metadata__":[]}"#, "__metadata__ is not a JSON object"),
        (#"{"__metadata__":{"checksum":"sha256:00"}}"#, "unsupported checksum"),
        (#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
         "duplicate tensor name 'w'"),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
         "tensors 'a' and 'b' overlap"),
        (String(repeating: "[", count: 100) + String(repeating: "]", count: 100), "nested too deeply"),
        ("{\"w\u{0001}\":1}", "control character"),
        (#"{"\ud800x":1}"#, "expected '\\u'"),
    ]
    for (header, expected) in cases {
        let message = parseError(handMade(header: header, data: [UInt8](repeating: 0, count: 8)))
        #expect(message?.contains(expected) == true, "header \(header) gave \(message ?? "no error")")
    }
}

@Test func missingFileNamesThePath() throws {
    let directory = try ScratchDirectory()
    let path = directory.file("nope.safetensors")
    let error = #expect(throws: FormatError.self) { try SafeTensors.read(path: path) }
    #expect(error?.file == path)
    #expect(error?.kind == .io)
    #expect(error?.message == "cannot open: No such file or directory")
    #expect(error?.description == "\(path): cannot open: No such file or directory")
}

@Test func readingADirectoryIsAnError() throws {
    let directory = try ScratchDirectory()
    let error = #expect(throws: FormatError.self) { try SafeTensors.read(path: directory.path) }
    #expect(error?.message.isEmpty == false)
}

/// Mutation fuzzing: random byte flips, truncations and insertions of a valid file must give
/// back either a file or a FormatError — never a trap. Seeded so a failure reproduces.
@Test func randomlyDamagedFilesNeverCrashTheParser() {
    let valid = SafeTensors.encode(sampleFile())
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next(_ bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(bound))
    }
    let interesting: [UInt8] = Array("{}[]\",:0123456789-e.\\u ".utf8) + [0, 0xFF, 0x80]
    var outcomes = (parsed: 0, refused: 0)
    for _ in 0..<3000 {
        var bytes = valid
        for _ in 0...next(4) {
            switch next(4) {
            case 0: bytes[next(bytes.count)] = UInt8(next(256))
            case 1: bytes[next(bytes.count)] = interesting[next(interesting.count)]
            case 2: bytes.removeLast(next(Swift.min(bytes.count - 1, 64)))
            default: bytes.insert(interesting[next(interesting.count)], at: next(bytes.count))
            }
        }
        do {
            _ = try SafeTensors.parse(bytes: bytes, name: "fuzz")
            outcomes.parsed += 1
        } catch is FormatError {
            outcomes.refused += 1
        } catch {
            Issue.record("non-FormatError: \(error)")
        }
    }
    #expect(outcomes.refused > 0)
    #expect(outcomes.parsed + outcomes.refused == 3000)
}
