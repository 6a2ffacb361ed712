import Foundation
import Testing

/// `--resume` continues a run exactly: weights and optimizer state after resuming are
/// bit-identical to an uninterrupted run, from an epoch boundary and from the middle of an epoch.
@Suite struct ResumeTests {
    /// Two epochs of 20 steps (1000 images, batch 50, 10 % held out for validation).
    static let options = ["--train-limit", "1000", "--batch-size", "50", "--threads", "2", "--seed", "5"]

    /// Run A: two epochs uninterrupted, shared by both resume tests.
    private static let uninterruptedTask = Task<Result<URL, SharedRuns.SetupError>, Never> {
        let out = SharedRuns.root.appendingPathComponent("resume-A")
        let result = await runDLT(["train", "configs/mnist_mlp.yaml", "--out", out.path, "--epochs", "2"] + options)
        return result.code == 0 ? .success(out) : .failure(SharedRuns.SetupError(description: result.transcript))
    }
    static var uninterrupted: Result<URL, SharedRuns.SetupError> {
        get async { await uninterruptedTask.value }
    }

    private func expectIdentical(_ resumed: URL, to reference: URL) throws {
        let a = try SafeTensorsFile(path: reference.appendingPathComponent("last.safetensors").path)
        let b = try SafeTensorsFile(path: resumed.appendingPathComponent("last.safetensors").path)
        #expect(!a.tensors.isEmpty)
        #expect(a.tensors.keys.contains { $0.hasPrefix("optimizer.") }, "optimizer state is compared too")
        #expect(a.differences(from: b) == [], "tensors differ after resume")
        #expect(a.metadata["step"] == b.metadata["step"])
        #expect(a.metadata["epoch"] == b.metadata["epoch"])
    }

    /// After epoch 1, last.safetensors and best.safetensors hold the same weights; best's trainer
    /// state also holds epoch 1's sums, which the resume must not add to epoch 2's.
    @Test(arguments: ["last.safetensors", "best.safetensors"])
    func resumeFromEpochBoundaryMatchesUninterruptedRun(checkpoint: String) async throws {
        let reference = try await Self.uninterrupted.get()
        try await withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("B")
            let first = await runDLT(["train", "configs/mnist_mlp.yaml", "--out", out.path, "--epochs", "1"] + Self.options)
            #expect(first.code == 0, "\(first.transcript)")
            let resumed = await runDLT(["train", "configs/mnist_mlp.yaml", "--out", out.path, "--epochs", "2",
                                  "--resume", out.appendingPathComponent(checkpoint).path] + Self.options)
            #expect(resumed.code == 0, "\(resumed.transcript)")
            try expectIdentical(out, to: reference)
            // The resumed run appends its epoch to the same metrics file, with the reference's figures.
            try expectSameTrainingMetrics(out, as: reference)
        }
    }

    @Test func resumeFromMidEpochCheckpointMatchesUninterruptedRun() async throws {
        let reference = try await Self.uninterrupted.get()
        try await withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("B")
            let first = await runDLT(["train", "configs/mnist_mlp.yaml", "--out", out.path, "--epochs", "2", "--max-steps", "7"] + Self.options)
            #expect(first.code == 0, "\(first.transcript)")
            let partial = try SafeTensorsFile(path: out.appendingPathComponent("last.safetensors").path)
            #expect(partial.metadata["step"] == "7")
            let resumed = await runDLT(["train", "configs/mnist_mlp.yaml", "--out", out.path, "--epochs", "2",
                                  "--resume", out.appendingPathComponent("last.safetensors").path] + Self.options)
            #expect(resumed.code == 0, "\(resumed.transcript)")
            try expectIdentical(out, to: reference)
            // The epoch the resume finished averages over all of its steps, before and after the stop.
            try expectSameTrainingMetrics(out, as: reference)
        }
    }

    /// Each epoch's train_loss and train_accuracy in metrics.jsonl are the reference run's.
    private func expectSameTrainingMetrics(_ resumed: URL, as reference: URL) throws {
        func rows(_ run: URL) throws -> [[String: Any]] {
            try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
                .split(separator: "\n").compactMap { jsonObject(String($0)) }
        }
        let expected = try rows(reference), actual = try rows(resumed)
        #expect(expected.count == 2 && actual.count == 2, "two epoch rows each")
        #expect(actual.compactMap { $0["epoch"] as? Int } == [1, 2])
        for (a, b) in zip(expected, actual) {
            #expect(a["train_loss"] as? Double == b["train_loss"] as? Double, "epoch \(a["epoch"] ?? "?") train_loss")
            #expect(a["train_accuracy"] as? Double == b["train_accuracy"] as? Double, "epoch \(a["epoch"] ?? "?") train_accuracy")
        }
    }
}
