import ArgumentParser
import DLTTrain
import Foundation

struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the run directories under DIR (and DIR itself, if it is one) with their final metrics.")

    @Argument(help: "A directory of runs (runs/, a sweep directory) or a run directory.") var directory: String
    @Flag(help: "Print a JSON array instead of the table.") var json = false

    func run() throws {
        let summaries = try RunListing.runs(under: directory)
        if json {
            let data = try JSONSerialization.data(withJSONObject: summaries.map(\.jsonObject),
                                                  options: [.sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        let showOverrides = summaries.contains { $0.overrides != nil }
        let header = ["run"] + (showOverrides ? ["overrides"] : []) + ["epoch", "step", "train_loss", "val_loss",
                                                                        "best_val_loss", "val_accuracy", "seconds"]
        let rows = summaries.map { run -> [String] in
            [run.name] + (showOverrides ? [run.overrides ?? "-"] : [])
                + [run.epoch.map(String.init) ?? "-", run.step.map(String.init) ?? "-", TextTable.metric(run.last["train_loss"]),
                   TextTable.metric(run.last["val_loss"]), TextTable.metric(run.bestValidationLoss),
                   TextTable.metric(run.last["val_accuracy"]), String(format: "%.1f", run.seconds)]
        }
        print(TextTable(header: header, rows: rows).render(), terminator: "")
    }
}

/// The runs `dlt runs DIR` lists: DIR itself when it holds metrics.jsonl, then its direct
/// children that do, by name. Each with its last epoch's metrics.
enum RunListing {
    struct Summary {
        let name: String
        let path: String
        let overrides: String?
        let last: [String: Double]
        let bestValidationLoss: Double?
        let seconds: Double

        var epoch: Int? { last["epoch"].map { Int($0) } }
        var step: Int? { last["step"].map { Int($0) } }

        var jsonObject: [String: Any] {
            var object: [String: Any] = last
            object["name"] = name
            object["path"] = path
            object["seconds"] = seconds
            if let epoch { object["epoch"] = epoch }
            if let step { object["step"] = step }
            if let bestValidationLoss { object["best_val_loss"] = bestValidationLoss }
            if let overrides { object["overrides"] = overrides }
            return object
        }
    }

    static func runs(under given: String) throws -> [Summary] {
        let fm = FileManager.default
        var directory = given
        while directory.count > 1 && directory.hasSuffix("/") { directory.removeLast() }
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw UsageError("\(directory) is not a directory; give a directory of runs, e.g. runs/")
        }
        let children = ((try? fm.contentsOfDirectory(atPath: directory)) ?? []).sorted().map { directory + "/" + $0 }
        let candidates = ([directory] + children).filter(RunMetrics.isRun)
        guard !candidates.isEmpty else {
            throw UsageError("\(directory) holds no run directories (none has a metrics.jsonl)")
        }
        return try candidates.map { path in
            let metrics = try RunMetrics.read(runDirectory: path)
            let name = path == directory ? (URL(fileURLWithPath: directory).standardizedFileURL.lastPathComponent)
                                         : (path as NSString).lastPathComponent
            return Summary(name: name, path: path, overrides: SweepDefinition.trialOverrides(ofRun: path),
                           last: metrics.last ?? [:], bestValidationLoss: metrics.best("val_loss"),
                           seconds: metrics.rows.compactMap { $0["seconds"] }.reduce(0, +))
        }
    }
}
