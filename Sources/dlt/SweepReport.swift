import DLTConfig
import DLTTrain
import Foundation

/// The end of `dlt sweep`: the finished trials ranked by the monitored metric (best first;
/// trials without a value and failed ones last), as a table or, with --json, one JSON object.
struct SweepReport {
    let directory: String
    let plan: SweepPlan
    let monitor: MetricMonitor
    let ranked: [(trial: SweepPlan.Trial, result: SweepResult)]

    init(ledger: SweepLedger, monitor: MetricMonitor) {
        directory = ledger.directory
        plan = ledger.plan
        self.monitor = monitor
        ranked = ledger.rows.enumerated().sorted { a, b in
            let x = a.element.result, y = b.element.result
            if (x.status == .failed) != (y.status == .failed) { return y.status == .failed }
            switch (x.best, y.best) {
            case let (u?, v?) where u != v: return monitor.maximizes ? u > v : u < v
            case (_?, nil): return true
            case (nil, _?): return false
            default: return a.offset < b.offset
            }
        }.map(\.element)
    }

    var table: String {
        let showAccuracy = monitor.key != "val_accuracy" && ranked.contains { $0.result.validation["val_accuracy"] != nil }
        // Without validation data every trial is ranked by the train_ twin: say so in the header.
        let readKeys = Set(ranked.filter { $0.result.best != nil }.map(\.result.monitor))
        var header = ["rank", "trial"] + plan.axes.map(\.key) + ["best " + ((readKeys.count == 1 ? readKeys.first : nil) ?? monitor.key)]
        if showAccuracy { header.append("val_accuracy") }
        header += ["epoch", "seconds"]
        let rows = ranked.enumerated().map { index, row -> [String] in
            var cells = [String(index + 1), row.trial.name] + row.trial.overrides.map(\.value)
            cells.append(row.result.status == .failed ? "failed" : TextTable.metric(row.result.best))
            if showAccuracy { cells.append(TextTable.metric(row.result.validation["val_accuracy"])) }
            return cells + [String(row.result.epoch), String(format: "%.1f", row.result.seconds)]
        }
        return TextTable(header: header, rows: rows).render()
    }

    var json: String {
        let trials = ranked.enumerated().map { index, row -> [String: Any] in
            var object = row.result.jsonObject(overrides: row.trial.overrides)
            object["rank"] = index + 1
            object["run"] = directory + "/" + row.trial.name
            return object
        }
        let object: [String: Any] = ["sweep": directory, "monitor": monitor.key, "trials": trials]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
