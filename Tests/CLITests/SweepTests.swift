import Foundation
import Testing

/// `dlt sweep`: one run directory per trial, sweep.jsonl / sweep.csv, a ranked table or JSON,
/// reproducible random draws, and refusals before any trial starts.
@Suite struct SweepTests {
    static let gridArguments = ["sweep", "configs/xor.yaml", "--grid", "optimizer.lr=0.5,4.0",
                                "--grid", "model.layers.0.dense.units=2,4", "--epochs", "30", "--threads", "1"]

    func lines(_ url: URL) throws -> [String] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test func aTwoKeyGridRunsEveryCombinationRanksThemAndContinuesWhenRerun() async throws {
        try await withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("sweep")
            let result = await runDLT(Self.gridArguments + ["--out", out.path])
            #expect(result.code == 0, "\(result.transcript)")
            let table = result.stdout.split(separator: "\n").map(String.init)
            #expect(table.first?.hasPrefix("rank  trial      optimizer.lr  model.layers.0.dense.units  best train_loss") == true, "\(result.stdout)")
            #expect(table.count == 5)
            let bests = table.dropFirst().compactMap { $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst(4).first }
                .compactMap { Double($0) }
            #expect(bests == bests.sorted() && bests.count == 4, "ranked by the loss, lowest first")
            for (n, overrides) in [(1, ("0.5", "2")), (2, ("0.5", "4")), (3, ("4.0", "2")), (4, ("4.0", "4"))] {
                let config = try String(contentsOf: out.appendingPathComponent("trial-00\(n)/config.yaml"), encoding: .utf8)
                #expect(config.contains("lr: \(overrides.0)") && config.contains("units: \(overrides.1),"), "\(config)")
                #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("trial-00\(n)/metrics.jsonl").path))
            }
            let rows = try lines(out.appendingPathComponent("sweep.jsonl")).compactMap(jsonObject)
            #expect(rows.map { $0["trial"] as? String } == ["trial-001", "trial-002", "trial-003", "trial-004"])
            #expect((rows.first?["overrides"] as? [String: Any])?["optimizer.lr"] as? Double == 0.5)
            #expect(rows.allSatisfy { $0["best"] is Double && $0["seconds"] is Double })
            let csv = try lines(out.appendingPathComponent("sweep.csv"))
            #expect(csv.first == "trial,status,optimizer.lr,model.layers.0.dense.units,monitor,best,best_epoch,epoch,step,seconds")
            #expect(csv.count == 5)

            let runs = await runDLT(["runs", out.path])
            #expect(runs.stdout.contains("trial-003  optimizer.lr=4.0 model.layers.0.dense.units=2"), "\(runs.transcript)")

            let rerun = await runDLT(Self.gridArguments + ["--out", out.path, "--json"])
            #expect(rerun.code == 0, "\(rerun.transcript)")
            #expect(!rerun.stderr.contains("sweep: trial-"), "finished trials are skipped: \(rerun.stderr)")
            let report = jsonObject(rerun.stdout)
            let trials = report?["trials"] as? [[String: Any]] ?? []
            #expect(trials.map { $0["rank"] as? Int } == [1, 2, 3, 4])
            #expect(report?["monitor"] as? String == "val_loss")
        }
    }

    @Test func randomDrawsAreInTheirRangesAndTheSameForTheSameSeed() async throws {
        try await withTemporaryDirectory { dir in
            func sweep(_ name: String, seed: String) async throws -> [[String]] {
                let out = dir.appendingPathComponent(name)
                let result = await runDLT(["sweep", "configs/xor.yaml", "--grid", "optimizer.lr=0.1:2:log", "--grid",
                                           "model.layers.0.dense.units=2,3,4", "--random", "3", "--seed", seed,
                                           "--epochs", "2", "--threads", "1", "--out", out.path])
                #expect(result.code == 0, "\(result.transcript)")
                let definition = jsonObject(try String(contentsOf: out.appendingPathComponent("sweep.json"), encoding: .utf8))
                return (definition?["trials"] as? [[String: Any]] ?? []).map { $0["overrides"] as? [String] ?? [] }
            }
            let first = try await sweep("a", seed: "7"), again = try await sweep("b", seed: "7"), other = try await sweep("c", seed: "8")
            #expect(first.count == 3)
            #expect(first == again)
            #expect(first != other)
            for overrides in first {
                let lr = Double(overrides[0].dropFirst("optimizer.lr=".count)) ?? 0
                #expect(lr >= 0.1 && lr <= 2, "\(overrides)")
                #expect(["2", "3", "4"].contains(String(overrides[1].dropFirst("model.layers.0.dense.units=".count))))
            }
        }
    }

    @Test func aDirectoryOfAnotherSweepOrNoSweepIsRefused() async throws {
        try await withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("sweep")
            let base = ["sweep", "configs/xor.yaml", "--epochs", "2", "--threads", "1", "--out", out.path]
            let first = await runDLT(base + ["--grid", "optimizer.lr=0.5"])
            #expect(first.code == 0, "\(first.transcript)")
            let other = await runDLT(base + ["--grid", "optimizer.lr=0.6"])
            #expect(other.code == 2)
            #expect(other.stderr.hasPrefix("dlt: error: \(out.path) holds a different sweep (made with other --grid)"), "\(other.transcript)")
            #expect(other.stderr.split(separator: "\n").count == 1)
            let longer = await runDLT(["sweep", "configs/xor.yaml", "--epochs", "3", "--threads", "1", "--out", out.path,
                                       "--grid", "optimizer.lr=0.5"])
            #expect(longer.code == 2, "\(longer.transcript)")
            let run = await runDLT(["sweep", "configs/xor.yaml", "--grid", "optimizer.lr=0.5", "--out", out.appendingPathComponent("trial-001").path])
            #expect(run.code == 2)
            #expect(run.stderr.contains("is not a sweep directory"), "\(run.transcript)")
        }
    }

    @Test func everyTrialIsCheckedBeforeTheFirstStarts() async throws {
        try await withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("sweep")
            let result = await runDLT(["sweep", "configs/xor.yaml", "--grid", "optimizer.lr=0.5,-1", "--out", out.path])
            #expect(result.code == 2)
            #expect(result.stderr == "dlt: error: --grid optimizer.lr=-1: optimizer: lr must be > 0, got -1\n", "\(result.transcript)")
            #expect(!FileManager.default.fileExists(atPath: out.path))
        }
    }

    @Test func aTrialThatFailsIsRecordedRankedLastAndTheSweepGoesOn() async throws {
        try await withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("sweep")
            // xor as a 2-class softmax classifier, so that a huge learning rate makes the loss NaN.
            let result = await runDLT(["sweep", "configs/xor.yaml", "--set", "model.layers.0.dense.activation=relu",
                                       "--set", "model.layers.1.dense.units=2", "--set", "model.layers.1.dense.activation=softmax",
                                       "--set", "loss=cross_entropy", "--grid", "optimizer.lr=1e30,0.5", "--epochs", "5",
                                       "--threads", "1", "--out", out.path])
            #expect(result.code == 0, "\(result.transcript)")
            let table = result.stdout.split(separator: "\n").map(String.init)
            #expect(table.count == 3 && table[1].contains("trial-002") && table[2].contains("trial-001") && table[2].contains(" failed "), "\(result.stdout)")
            let rows = try lines(out.appendingPathComponent("sweep.jsonl")).compactMap(jsonObject)
            #expect(rows.first?["status"] as? String == "failed")
            #expect((rows.first?["error"] as? String)?.contains("NaN") == true)
        }
    }
}
