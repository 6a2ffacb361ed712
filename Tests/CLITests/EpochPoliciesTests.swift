import Foundation
import Testing

/// Early stopping, reduce-on-plateau and best.safetensors in a real run. With lr 1e-12 Adam's
/// steps vanish in float rounding, so every epoch scores the same: nothing ever improves.
@Suite struct EpochPoliciesTests {
    @Test func earlyStoppingAndPlateauActOnARunThatStopsImproving() async throws {
        try await withTemporaryDirectory { dir in
            var text = try String(contentsOf: DLTLocation.packageRoot.appendingPathComponent("configs/mnist_mlp.yaml"), encoding: .utf8)
            let train = "train: {epochs: 5, batch_size: 32}", optimizer = "optimizer: {name: adam, lr: 0.001}"
            #expect(text.contains(train) && text.contains(optimizer))
            text = text.replacingOccurrences(of: optimizer, with: "optimizer: {name: adam, lr: 1.0e-12}")
                .replacingOccurrences(of: train, with: """
                train: {epochs: 5, batch_size: 32, early_stopping: {monitor: val_loss, patience: 1, min_delta: 1},
                        reduce_lr_on_plateau: {monitor: val_accuracy, patience: 0, factor: 0.5}}
                """)
            let config = dir.appendingPathComponent("policies.yaml")
            try text.write(to: config, atomically: true, encoding: .utf8)
            let out = dir.appendingPathComponent("run")
            let result = await runDLT(["train", config.path, "--out", out.path, "--train-limit", "64", "--threads", "1"])
            #expect(result.code == 0, "\(result.transcript)")
            // Epoch 1 is the best; epochs 2 and 3 do not improve, and patience 1 stops after 3.
            #expect(result.stderr.contains("early stopping: val_loss has not improved for 2 epochs"))
            // val_accuracy stays put, so patience 0 halves the rate after epochs 2 and 3.
            #expect(result.stderr.components(separatedBy: "reduce_lr_on_plateau: learning rate now ").count == 3)

            let metrics = try String(contentsOf: out.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
            let rows = metrics.split(separator: "\n").compactMap { jsonObject(String($0)) }
            #expect(rows.count == 3)
            #expect(rows.compactMap { $0["lr"] as? Double } == [1e-12, 1e-12, 5e-13].map { Double(Float($0)) })

            let best = try SafeTensorsFile(path: out.appendingPathComponent("best.safetensors").path)
            let last = try SafeTensorsFile(path: out.appendingPathComponent("last.safetensors").path)
            #expect(best.metadata["epoch"] == "1" && last.metadata["epoch"] == "3")
            let state = try #require(last.metadata["trainer_state"].flatMap(jsonObject))
            #expect(state["stoppedEarly"] as? Bool == true && state["learningRateFactor"] as? Double == 0.25)
        }
    }
}
