import Foundation
import Testing

/// `dlt train`: the run directory README.md promises, and its refusal to clobber a previous run.
@Suite struct TrainCommandTests {
    static let metricKeys = ["epoch", "step", "lr", "train_loss", "train_accuracy", "val_loss", "val_accuracy",
                             "seconds", "images_per_second"]

    @Test func runDirectoryHoldsConfigMetricsCheckpointsAndEvents() async throws {
        let run = try await SharedRuns.mnistRun.get()
        let files = FileManager.default
        for name in ["config.yaml", "metrics.jsonl", "metrics.csv", "last.safetensors", "best.safetensors"] {
            #expect(files.fileExists(atPath: run.appendingPathComponent(name).path), "missing \(name)")
        }
        let config = try String(contentsOf: run.appendingPathComponent("config.yaml"), encoding: .utf8)
        #expect(config.contains("mnist_mlp"))
        let events = try files.contentsOfDirectory(atPath: run.appendingPathComponent("tb").path)
        let eventFile = try #require(events.first { $0.hasPrefix("events.out.tfevents.") })
        let size = try files.attributesOfItem(atPath: run.appendingPathComponent("tb/\(eventFile)").path)[.size] as? Int
        #expect((size ?? 0) > 0)
    }

    @Test func metricsJSONLinesHaveEverySpecKeyPerEpoch() async throws {
        let run = try await SharedRuns.mnistRun.get()
        let text = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        let rows = text.split(separator: "\n").compactMap { jsonObject(String($0)) }
        #expect(rows.count == 1, "one epoch trained, so one row")
        let row = try #require(rows.first)
        for key in Self.metricKeys { #expect(row[key] is NSNumber, "metrics.jsonl lacks numeric \(key)") }
        #expect((row["epoch"] as? Int) == 1)
        // 256 training images in batches of 32: 8 optimizer steps.
        #expect((row["step"] as? Int) == 8)
        let accuracy = try #require(row["train_accuracy"] as? Double)
        #expect(accuracy >= 0 && accuracy <= 1)
        #expect(((row["images_per_second"] as? Double) ?? 0) > 0)
    }

    @Test func metricsCSVHasTheSameKeysAsHeader() async throws {
        let run = try await SharedRuns.mnistRun.get()
        let text = try String(contentsOf: run.appendingPathComponent("metrics.csv"), encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 2, "a header and one epoch")
        let header = lines.first.map { $0.split(separator: ",").map(String.init) } ?? []
        for key in Self.metricKeys { #expect(header.contains(key), "metrics.csv lacks column \(key)") }
        if lines.count == 2 { #expect(lines[1].split(separator: ",").count == header.count) }
    }

    @Test func checkpointNamesWeightsInPyTorchLayout() async throws {
        let run = try await SharedRuns.mnistRun.get()
        let file = try SafeTensorsFile(path: run.appendingPathComponent("last.safetensors").path)
        // mnist_mlp: flatten_0, dense_1 (784 -> 64), dense_2 (64 -> 10); dense weights are [out, in].
        #expect(file.tensors["dense_1.weight"]?.shape == [64, 784])
        #expect(file.tensors["dense_1.bias"]?.shape == [64])
        #expect(file.tensors["dense_2.weight"]?.shape == [10, 64])
        #expect(file.tensors.keys.contains { $0.hasPrefix("optimizer.") }, "Adam state is saved for --resume")
        #expect(file.metadata["epoch"] == "1")
        #expect(file.metadata["step"] == "8")
    }

    @Test func maxStepsRunStillWritesBestCheckpoint() async throws {
        try await withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("run")
            let result = await runDLT(["train", "configs/mnist_mlp.yaml", "--out", out.path, "--max-steps", "3",
                                 "--train-limit", "256", "--threads", "1"])
            #expect(result.code == 0, "\(result.transcript)")
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("last.safetensors").path))
            // The run validated (metrics has val_loss), so the best model so far exists too.
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("best.safetensors").path))
        }
    }

    @Test func outDirectoryWithCheckpointIsRefusedUnlessOverwrite() async throws {
        try await withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("run").path
            let args = ["train", "configs/mnist_mlp.yaml", "--out", out, "--max-steps", "2", "--train-limit", "64", "--threads", "1"]
            let first = await runDLT(args)
            #expect(first.code == 0, "\(first.transcript)")
            let again = await runDLT(args)
            #expect(again.code == 2, "\(again.transcript)")
            #expect(again.stderr.hasPrefix("dlt: error: "))
            let overwrite = await runDLT(args + ["--overwrite"])
            #expect(overwrite.code == 0, "\(overwrite.transcript)")
        }
    }
}
