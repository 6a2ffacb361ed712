import DLTConfig
import DLTTrain
import Foundation

/// DIR/sweep.jsonl and DIR/sweep.csv: one row per finished trial, in trial order. Both files are
/// rewritten whole (to a temporary file, then renamed) after each trial, so a sweep killed at any
/// moment leaves complete rows only, and the rows say which trials a rerun skips.
struct SweepLedger {
    let directory: String
    let plan: SweepPlan
    private(set) var results: [String: SweepResult] = [:]

    var jsonlPath: String { directory + "/sweep.jsonl" }
    var csvPath: String { directory + "/sweep.csv" }

    init(directory: String, plan: SweepPlan) {
        self.directory = directory
        self.plan = plan
        let text = (try? String(contentsOfFile: directory + "/sweep.jsonl", encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") {
            if let result = SweepResult(json: line), plan.trials.contains(where: { $0.name == result.trial }) {
                results[result.trial] = result
            }
        }
    }

    func isFinished(_ trial: SweepPlan.Trial) -> Bool { results[trial.name] != nil }

    /// Finished trials in trial order, each with its overrides.
    var rows: [(trial: SweepPlan.Trial, result: SweepResult)] {
        plan.trials.compactMap { trial in results[trial.name].map { (trial, $0) } }
    }

    mutating func record(_ result: SweepResult) throws {
        results[result.trial] = result
        let lines = try rows.map { row -> String in
            let data = try JSONSerialization.data(withJSONObject: row.result.jsonObject(overrides: row.trial.overrides),
                                                  options: [.sortedKeys, .withoutEscapingSlashes])
            return String(decoding: data, as: UTF8.self) + "\n"
        }
        try atomicWrite(lines.joined(), to: jsonlPath)
        try atomicWrite(csv(), to: csvPath)
    }

    /// Columns: trial, status, one per --grid key, monitor, best, best_epoch, the val_ metrics, epoch, step, seconds.
    private func csv() -> String {
        let validationKeys = Self.validationColumns(rows.flatMap { $0.result.validation.keys })
        var header: [String] = ["trial", "status"] + plan.axes.map(\.key)
        header += ["monitor", "best", "best_epoch"] + validationKeys + ["epoch", "step", "seconds"]
        let lines = rows.map { row in Self.csvCells(row.trial, row.result, validationKeys: validationKeys) }
        return ([header] + lines).map { $0.map(Self.csvField).joined(separator: ",") + "\n" }.joined()
    }

    private static func csvCells(_ trial: SweepPlan.Trial, _ result: SweepResult, validationKeys: [String]) -> [String] {
        var cells: [String] = [trial.name, result.status.rawValue] + trial.overrides.map(\.value)
        cells.append(result.monitor)
        cells.append(result.best.map { String($0) } ?? "")
        cells.append(result.bestEpoch.map { String($0) } ?? "")
        cells += validationKeys.map { key in result.validation[key].map { String($0) } ?? "" }
        cells += [String(result.epoch), String(result.step), String(format: "%.3f", result.seconds)]
        return cells
    }

    /// val_loss, val_accuracy, then the other val_ metrics by name.
    static func validationColumns(_ keys: [String]) -> [String] {
        let unique = Set(keys)
        let first = ["val_loss", "val_accuracy"].filter(unique.contains)
        return first + unique.subtracting(first).sorted()
    }

    /// RFC 4180: a field holding a comma, quote or line break is quoted, quotes doubled.
    private static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private func atomicWrite(_ text: String, to path: String) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw RunFailure("\(path): cannot write: \(error.localizedDescription)")
        }
    }
}
