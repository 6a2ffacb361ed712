import Foundation
import Testing

/// `dlt quantize`: the int8 QDQ ONNX file, float and int8 accuracy, and its bad input.
@Suite struct QuantizeCommandTests {
    @Test func writesAnInt8ModelAndReportsBothAccuracies() async throws {
        let run = try await SharedRuns.mnistRun.get()
        try await withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("int8.onnx")
            let result = await runDLT(["quantize", run.appendingPathComponent("last.safetensors").path, "-o", out.path,
                                       "--calibration", "64", "--json", "--threads", "1"])
            #expect(result.code == 0, "\(result.transcript)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let floatAccuracy = try #require(json["float_accuracy"] as? Double)
            let int8Accuracy = try #require(json["int8_accuracy"] as? Double)
            #expect(abs(floatAccuracy - int8Accuracy) < 0.02)
            let bytes = try Data(contentsOf: out)
            #expect(json["int8_bytes"] as? Int == bytes.count)
            #expect(Double(bytes.count) < 0.35 * Double(try #require(json["float_bytes"] as? Int)))
            #expect(bytes.range(of: Data("QuantizeLinear".utf8)) != nil)
            #expect(bytes.range(of: Data("dense_1.weight/quantized".utf8)) != nil)
        }
    }

    /// Token ids stay float (an embedding reads them); the embedding table becomes int8.
    @Test func quantizesATextModelWithTokenInput() async throws {
        let run = try await SharedRuns.textRun.get()
        try await withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("int8.onnx")
            let result = await runDLT(["quantize", run.appendingPathComponent("last.safetensors").path, "-o", out.path,
                                       "--calibration", "32", "--threads", "1"])
            #expect(result.code == 0, "\(result.transcript)")
            #expect(result.stdout.contains("int8 accuracy"), "\(result.transcript)")
            let bytes = try Data(contentsOf: out)
            #expect(bytes.range(of: Data("input/quantize".utf8)) == nil)
            #expect(bytes.range(of: Data(".weight/quantized".utf8)) != nil)
        }
    }

    @Test func badInputIsOneLineExitTwoAndWritesNothing() async throws {
        let run = try await SharedRuns.mnistRun.get()
        try await withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("int8.onnx")
            let notCheckpoint = dir.appendingPathComponent("plain.txt")
            try "not a checkpoint".write(to: notCheckpoint, atomically: true, encoding: .utf8)
            let checkpoint = run.appendingPathComponent("last.safetensors").path
            for args in [[checkpoint, "--calibration", "0"], [checkpoint, "--calibration", "-3"], [notCheckpoint.path]] {
                let result = await runDLT(["quantize"] + args + ["-o", out.path])
                #expect(result.code == 2, "\(result.transcript)")
                #expect(result.stderr.hasPrefix("dlt: error: ") && result.stderr.split(separator: "\n").count == 1, "\(result.transcript)")
                #expect(!FileManager.default.fileExists(atPath: out.path))
            }
        }
    }
}
