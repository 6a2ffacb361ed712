import Foundation
import Testing

/// `loss: mse` on a 10-class model with integer labels trains on one-hot targets (docs/config.md)
/// and reports accuracy, in training and in eval.
@Suite struct MSEClassifierTests {
    @Test func mnistMLPWithMSETrainsAndReportsAccuracy() async throws {
        try await withTemporaryDirectory { dir in
            let text = try String(contentsOf: DLTLocation.packageRoot.appendingPathComponent("configs/mnist_mlp.yaml"), encoding: .utf8)
            #expect(text.contains("loss: cross_entropy"))
            let config = dir.appendingPathComponent("mnist_mlp_mse.yaml")
            try text.replacingOccurrences(of: "loss: cross_entropy", with: "loss: mse").write(to: config, atomically: true, encoding: .utf8)
            let out = dir.appendingPathComponent("run")
            let train = await runDLT(["train", config.path, "--out", out.path, "--max-steps", "10", "--train-limit", "320",
                                      "--threads", "1"])
            #expect(train.code == 0, "\(train.transcript)")
            let metrics = try String(contentsOf: out.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
            let row = try #require(metrics.split(separator: "\n").last.flatMap { jsonObject(String($0)) })
            for key in ["train_accuracy", "val_accuracy"] {
                let accuracy = try #require(row[key] as? Double, "\(key) missing from \(row)")
                #expect(accuracy >= 0 && accuracy <= 1)
            }
            let eval = await runDLT(["eval", out.appendingPathComponent("last.safetensors").path, "--json", "--threads", "1"])
            #expect(eval.code == 0, "\(eval.transcript)")
            let report = try #require(jsonObject(eval.stdout))
            #expect(report["accuracy"] is Double)
            #expect((report["per_class"] as? [Any])?.count == 10)
        }
    }
}
