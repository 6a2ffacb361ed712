import Foundation
import Testing

/// `train.prune` and `train.distill` through the real binary.
@Suite struct CompressionTrainingTests {
    /// mnist_mlp with its `train:` line replaced.
    private func mlpConfig(train: String, in dir: URL) async throws -> URL {
        let source = try await SharedRuns.config("mnist_mlp")
        let text = try String(contentsOf: source, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasPrefix("train:") ? "train: \(train)" : String($0) }
        let url = dir.appendingPathComponent("mlp-\(UUID().uuidString).yaml")
        try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    private let options = ["--train-limit", "256", "--batch-size", "32", "--threads", "1", "--seed", "1"]

    @Test func prunedWeightsStayZeroThroughResumeAndExport() async throws {
        try await withTemporaryDirectory { dir in
            let config = try await mlpConfig(train: "{epochs: 2, prune: {final_sparsity: 0.75, end_step: 8, frequency: 2}}", in: dir)
            let whole = dir.appendingPathComponent("whole"), split = dir.appendingPathComponent("split")
            var result = await runDLT(["train", config.path, "--out", whole.path] + options)
            #expect(result.code == 0, "\(result.transcript)")
            #expect(result.stderr.contains("pruning: sparsity 0.750"), "\(result.transcript)")
            result = await runDLT(["train", config.path, "--out", split.path, "--epochs", "1"] + options)
            #expect(result.code == 0, "\(result.transcript)")
            result = await runDLT(["train", config.path, "--out", split.path, "--resume", split.appendingPathComponent("last.safetensors").path] + options)
            #expect(result.code == 0, "\(result.transcript)")
            let a = try SafeTensorsFile(path: whole.appendingPathComponent("last.safetensors").path)
            let b = try SafeTensorsFile(path: split.appendingPathComponent("last.safetensors").path)
            #expect(a.differences(from: b).isEmpty, "resumed run differs in \(a.differences(from: b))")
            let metrics = try String(contentsOf: whole.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
            #expect(metrics.contains("\"sparsity\": 0.75"), "\(metrics)")
            let exported = dir.appendingPathComponent("weights.safetensors")
            result = await runDLT(["export", whole.appendingPathComponent("last.safetensors").path, "--format", "safetensors", "-o", exported.path])
            #expect(result.code == 0, "\(result.transcript)")
            let weights = try #require(try SafeTensorsFile(path: exported.path).floats("dense_1.weight"))
            let zeros = weights.filter { $0 == 0 && $0.sign == .plus }.count
            #expect(abs(Double(zeros) / Double(weights.count) - 0.75) < 0.001)
        }
    }

    @Test func alphaOneIsThePlainRunBitForBit() async throws {
        let teacher = try await SharedRuns.mnistRun.get().appendingPathComponent("last.safetensors")
        try await withTemporaryDirectory { dir in
            let plain = try await mlpConfig(train: "{epochs: 1}", in: dir)
            let distilled = try await mlpConfig(train: "{epochs: 1, distill: {teacher: \(teacher.path), temperature: 3, alpha: 1}}", in: dir)
            let soft = try await mlpConfig(train: "{epochs: 1, distill: {teacher: \(teacher.path), temperature: 3, alpha: 0.5}}", in: dir)
            var runs: [SafeTensorsFile] = []
            for (name, config) in [("plain", plain), ("alpha1", distilled), ("soft", soft)] {
                let out = dir.appendingPathComponent(name)
                let result = await runDLT(["train", config.path, "--out", out.path] + options)
                #expect(result.code == 0, "\(result.transcript)")
                runs.append(try SafeTensorsFile(path: out.appendingPathComponent("last.safetensors").path))
            }
            #expect(runs[0].differences(from: runs[1]).isEmpty)
            #expect(!runs[0].differences(from: runs[2]).isEmpty)
            #expect(!runs[2].tensors.keys.contains { $0.contains("teacher") })
        }
    }
}
