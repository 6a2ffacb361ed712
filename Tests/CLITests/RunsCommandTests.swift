import Foundation
import Testing

/// `dlt runs DIR`: the run directories under DIR with their final metrics, as a table or JSON.
@Suite struct RunsCommandTests {
    @Test func listsTheRunsOfADirectoryWithTheirFinalMetrics() async throws {
        try await withTemporaryDirectory { dir in
            for (name, lr) in [("fast", "4.0"), ("slow", "0.5")] {
                let trained = await runDLT(["train", "configs/xor.yaml", "--epochs", "3", "--threads", "1",
                                            "--set", "optimizer.lr=\(lr)", "--out", dir.appendingPathComponent(name).path])
                #expect(trained.code == 0, "\(trained.transcript)")
            }
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("not-a-run"), withIntermediateDirectories: true)
            let table = await runDLT(["runs", dir.path])
            #expect(table.code == 0, "\(table.transcript)")
            let lines = table.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first == "run   epoch  step  train_loss  val_loss  best_val_loss  val_accuracy  seconds")
            #expect(lines.dropFirst().map { String($0.prefix(4)) } == ["fast", "slow"])
            #expect(lines.last?.contains("     3     3  ") == true, "\(table.stdout)")

            let json = await runDLT(["runs", dir.path, "--json"])
            let data = Data(json.stdout.utf8)
            let runs = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]] ?? []
            #expect(runs.map { $0["name"] as? String } == ["fast", "slow"])
            #expect(runs.allSatisfy { $0["epoch"] as? Int == 3 && $0["train_loss"] is Double })
            // A run directory lists itself.
            let single = await runDLT(["runs", dir.appendingPathComponent("slow").path, "--json"])
            #expect(single.stdout.contains("\"name\":\"slow\""), "\(single.transcript)")
        }
    }

    @Test func aDirectoryWithoutRunsIsAnError() async throws {
        try await withTemporaryDirectory { dir in
            let result = await runDLT(["runs", dir.path])
            #expect(result.code == 2)
            #expect(result.stderr == "dlt: error: \(dir.path) holds no run directories (none has a metrics.jsonl)\n")
        }
    }
}
