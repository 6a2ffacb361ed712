import Foundation
import Testing

/// `dlt eval`: the human table, the `--json` object README.md lists, and the `--min-accuracy` gate.
@Suite struct EvalCommandTests {
    private func checkpoint(_ run: Result<URL, SharedRuns.SetupError>) throws -> String {
        try run.get().appendingPathComponent("last.safetensors").path
    }

    @Test func tablePrintsAccuracyPerClassAndConfusionMatrix() async throws {
        let result = await runDLT(["eval", try checkpoint(await SharedRuns.mnistRun), "--threads", "1"])
        #expect(result.code == 0, "\(result.transcript)")
        #expect(result.stdout.contains("accuracy"))
        #expect(result.stdout.contains("precision"))
        // Class names come from the config.
        for name in ["T-shirt", "Trouser", "Boot"] { #expect(result.stdout.contains(name)) }
        #expect(result.stdout.lowercased().contains("confusion"))
    }

    @Test func jsonHasEverySpecKeyAndConsistentNumbers() async throws {
        let result = await runDLT(["eval", try checkpoint(await SharedRuns.mnistRun), "--json", "--threads", "1"])
        #expect(result.code == 0, "\(result.transcript)")
        let report = try #require(jsonObject(result.stdout), "stdout is not one JSON object: \(result.stdout.prefix(300))")
        for key in ["loss", "accuracy", "samples", "per_class", "macro_precision", "macro_recall", "macro_f1", "confusion_matrix"] {
            #expect(report[key] != nil, "eval --json lacks \(key)")
        }
        #expect(report["auc"] == nil, "auc is for binary models only")
        let samples = try #require(report["samples"] as? Int)
        #expect(samples == 10_000, "the Fashion-MNIST test split")
        let matrix = try #require(report["confusion_matrix"] as? [[Int]])
        #expect(matrix.count == 10 && matrix.allSatisfy { $0.count == 10 })
        #expect(matrix.joined().reduce(0, +) == samples)
        let trace = (0..<matrix.count).reduce(0) { $0 + matrix[$1][$1] }
        let accuracy = try #require(report["accuracy"] as? Double)
        #expect(abs(accuracy - Double(trace) / Double(samples)) < 1e-9)
        let perClass = try #require(report["per_class"] as? [[String: Any]])
        #expect(perClass.count == 10)
        for (c, entry) in perClass.enumerated() {
            for key in ["class", "precision", "recall", "f1", "support"] { #expect(entry[key] != nil, "per_class lacks \(key)") }
            // support = row sum of the confusion matrix (rows are true classes).
            #expect((entry["support"] as? Int) == matrix[c].reduce(0, +))
            let predicted = matrix.reduce(0) { $0 + $1[c] }
            let precision = predicted == 0 ? 0 : Double(matrix[c][c]) / Double(predicted)
            #expect(abs(((entry["precision"] as? Double) ?? -1) - precision) < 1e-9)
        }
        let f1s = perClass.compactMap { $0["f1"] as? Double }
        let macroF1 = try #require(report["macro_f1"] as? Double)
        #expect(abs(macroF1 - f1s.reduce(0, +) / Double(f1s.count)) < 1e-9)
        #expect(((report["loss"] as? Double) ?? .nan).isFinite)
    }

    @Test func binaryModelReportsAUC() async throws {
        let result = await runDLT(["eval", try checkpoint(await SharedRuns.textRun), "--json", "--threads", "1"])
        #expect(result.code == 0, "\(result.transcript)")
        let report = try #require(jsonObject(result.stdout))
        let auc = try #require(report["auc"] as? Double, "eval --json of a binary model lacks auc")
        #expect(auc >= 0 && auc <= 1)
        let matrix = try #require(report["confusion_matrix"] as? [[Int]])
        #expect(matrix.count == 2)
    }

    @Test func minAccuracyGateFailsWithExitOne() async throws {
        // One epoch on 256 images is far from 99 %.
        let result = await runDLT(["eval", try checkpoint(await SharedRuns.mnistRun), "--min-accuracy", "0.99", "--threads", "1"])
        #expect(result.code == 1, "\(result.transcript)")
        #expect(result.stderr.contains("dlt: error: "))
    }

    @Test func minAccuracyGatePassesWithExitZero() async throws {
        let result = await runDLT(["eval", try checkpoint(await SharedRuns.mnistRun), "--min-accuracy", "0.0", "--threads", "1"])
        #expect(result.code == 0, "\(result.transcript)")
    }

    @Test func dataFilesReplaceTheTestSplit() async throws {
        let ckpt = try checkpoint(await SharedRuns.mnistRun)
        try await withTemporaryDirectory { dir in
            let images = dir.appendingPathComponent("images.idx"), labels = dir.appendingPathComponent("labels.idx")
            try InputFiles.idx((0..<3).map { InputFiles.sampleImage(variant: $0) }, width: 28, height: 28).write(to: images)
            try InputFiles.idxLabels([1, 5, 9]).write(to: labels)
            let result = await runDLT(["eval", ckpt, "--data", images.path, labels.path, "--json", "--threads", "1"])
            #expect(result.code == 0, "\(result.transcript)")
            let report = try #require(jsonObject(result.stdout))
            #expect((report["samples"] as? Int) == 3)
            let matrix = try #require(report["confusion_matrix"] as? [[Int]])
            // Rows are the true classes 1, 5 and 9, one sample each.
            #expect(matrix.map { $0.reduce(0, +) } == [0, 1, 0, 0, 0, 1, 0, 0, 0, 1])
        }
    }

    @Test func missingCheckpointFailsWithOneErrorLine() async {
        let result = await runDLT(["eval", "/nonexistent/last.safetensors"])
        #expect(result.code != 0)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("dlt: error: "), "\(result.transcript)")
    }
}
