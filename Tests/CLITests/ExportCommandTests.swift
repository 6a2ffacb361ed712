import Foundation
import Testing

/// `dlt export`: safetensors with the model's weights only (no optimizer state), and ONNX.
@Suite struct ExportCommandTests {
    @Test func safetensorsExportKeepsWeightsAndDropsOptimizerState() async throws {
        let run = try await SharedRuns.mnistRun.get()
        try await withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("weights.safetensors")
            let result = await runDLT(["export", run.appendingPathComponent("last.safetensors").path,
                                 "--format", "safetensors", "-o", out.path])
            #expect(result.code == 0, "\(result.transcript)")
            let exported = try SafeTensorsFile(path: out.path)
            let checkpoint = try SafeTensorsFile(path: run.appendingPathComponent("last.safetensors").path)
            let weightNames = checkpoint.tensors.keys.filter { !$0.hasPrefix("optimizer.") }
            #expect(Set(exported.tensors.keys) == Set(weightNames))
            for name in weightNames {
                #expect(exported.tensors[name]?.bytes == checkpoint.tensors[name]?.bytes, "\(name) changed in export")
            }
        }
    }

    @Test func onnxExportIsANonEmptyModelProto() async throws {
        let run = try await SharedRuns.mnistRun.get()
        try await withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("model.onnx")
            let result = await runDLT(["export", run.appendingPathComponent("last.safetensors").path, "--format", "onnx", "-o", out.path])
            #expect(result.code == 0, "\(result.transcript)")
            let bytes = try Data(contentsOf: out)
            // ModelProto field 1 (ir_version, varint) comes first; the weights are initialisers,
            // so the file holds all 50,890 float32 parameters of mnist_mlp.
            #expect(bytes.first == 0x08)
            #expect(bytes.count > 50_890 * 4)
            #expect(bytes.range(of: Data("dense_1.weight".utf8)) != nil)
        }
    }

    @Test func unknownFormatIsBadUsage() async throws {
        let run = try await SharedRuns.mnistRun.get()
        let result = await runDLT(["export", run.appendingPathComponent("last.safetensors").path, "--format", "tflite"])
        #expect(result.code == 2, "\(result.transcript)")
        #expect(result.stderr.hasPrefix("dlt: error: "))
    }
}
