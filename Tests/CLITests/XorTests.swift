import Foundation
import Testing

/// configs/xor.yaml trained to the end solves XOR: the four outputs round to 0, 1, 1, 0.
@Suite struct XorTests {
    @Test func fullTrainingSolvesAllFourCases() async throws {
        try await withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("xor")
            let train = await runDLT(["train", "configs/xor.yaml", "--out", out.path, "--threads", "1"])
            #expect(train.code == 0, "\(train.transcript)")
            let predictions = dir.appendingPathComponent("xor.npy")
            let predict = await runDLT(["predict", out.appendingPathComponent("last.safetensors").path, "configs/data/xor.csv",
                                  "--format", "npy", "-o", predictions.path])
            #expect(predict.code == 0, "\(predict.transcript)")
            let bytes = try Data(contentsOf: predictions)
            let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            let body = bytes.subdata(in: (10 + headerLength)..<bytes.count)
            let values: [Float] = body.withUnsafeBytes { raw in
                (0..<(body.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
            }
            // Rows of xor.csv: (0,0) (0,1) (1,0) (1,1).
            #expect(values.count == 4)
            #expect(values.map { Int($0.rounded()) } == [0, 1, 1, 0], "outputs \(values)")
        }
    }
}
