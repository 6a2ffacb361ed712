import Foundation
import Testing

/// `--set KEY=VALUE`: train, summary and bench run the config after the overrides; a bad value or
/// unknown key is refused like a bad line of the file, naming the flag, with nothing written.
@Suite struct SetOverrideTests {
    @Test func trainRunsAndRecordsTheConfigAfterOverrides() async throws {
        try await withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("run")
            let result = await runDLT(["train", "configs/xor.yaml", "--out", out.path, "--threads", "1",
                                       "--set", "optimizer.lr=0.5", "--set", "train.epochs=2", "--set", "model.layers.0.dense.units=3"])
            #expect(result.code == 0, "\(result.transcript)")
            let saved = try String(contentsOf: out.appendingPathComponent("config.yaml"), encoding: .utf8)
            #expect(saved.contains("--set optimizer.lr=0.5"))
            #expect(saved.contains("optimizer: {name: sgd, lr: 0.5}"))
            #expect(saved.contains("dense: {units: 3, activation: sigmoid}"))
            let rows = try String(contentsOf: out.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")
            #expect(rows.count == 2)
            // The saved config trains on: it resumes its own checkpoint.
            let resumed = await runDLT(["train", out.appendingPathComponent("config.yaml").path, "--epochs", "3", "--threads", "1",
                                        "--resume", out.appendingPathComponent("last.safetensors").path])
            #expect(resumed.code == 0, "\(resumed.transcript)")
            #expect(try String(contentsOf: out.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n").count == 3)
        }
    }

    @Test func aBadValueIsRefusedNamingTheFlag() async throws {
        try await withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("run")
            let result = await runDLT(["train", "configs/xor.yaml", "--out", out.path, "--set", "optimizer.lr=abc"])
            #expect(result.code == 2)
            #expect(result.stderr == "dlt: error: --set optimizer.lr=abc: optimizer: lr must be a number, got 'abc'\n")
            #expect(!FileManager.default.fileExists(atPath: out.path))
        }
    }

    @Test func anUnknownKeyGetsADidYouMeanNamingTheFlag() async throws {
        try await withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("run")
            let result = await runDLT(["train", "configs/xor.yaml", "--out", out.path, "--set", "optimizer.learning_rate=0.1"])
            #expect(result.code == 2)
            #expect(result.stderr.hasPrefix("dlt: error: --set optimizer.learning_rate=0.1: optimizer: unknown key 'learning_rate'"),
                    "\(result.transcript)")
            let typo = await runDLT(["train", "configs/xor.yaml", "--out", out.path, "--set", "trian.epochs=3"])
            #expect(typo.stderr == "dlt: error: --set trian.epochs=3: unknown top-level key 'trian' — did you mean 'train'?\n")
            #expect(!FileManager.default.fileExists(atPath: out.path))
        }
    }

    @Test func summaryAndBenchTakeOverrides() async {
        let summary = await runDLT(["summary", "configs/xor.yaml", "--set", "model.layers.0.dense.units=8"])
        #expect(summary.code == 0, "\(summary.transcript)")
        #expect(summary.stdout.contains("Total params: 33"), "\(summary.stdout)")
        let bench = await runDLT(["bench", "configs/xor.yaml", "--steps", "1", "--threads", "1", "--json",
                                  "--set", "model.layers.0.dense.units=8"])
        #expect(bench.code == 0, "\(bench.transcript)")
        #expect(jsonObject(bench.stdout)?["training_flops_per_sample"] != nil)
        let bad = await runDLT(["summary", "configs/xor.yaml", "--set", "model.layers.0.dense.units=0"])
        #expect(bad.code == 2)
        #expect(bad.stderr.hasPrefix("dlt: error: --set model.layers.0.dense.units=0: "), "\(bad.transcript)")
    }
}
