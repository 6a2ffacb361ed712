import DLTFormats
import Foundation

/// The files of a run (README.md, `dlt train CONFIG`): config.yaml, metrics.jsonl, metrics.csv,
/// last/best.safetensors and tb/. Metric rows are appended and flushed once per epoch.
public final class RunDirectory {
    public let path: String
    public static let metricKeys = ["epoch", "step", "lr", "train_loss", "train_accuracy", "val_loss",
                                    "val_accuracy"]
    private var columns: [String] = []
    private var events: EventWriter?

    public var lastCheckpoint: String { path + "/last.safetensors" }
    public var bestCheckpoint: String { path + "/best.safetensors" }
    var jsonlPath: String { path + "/metrics.jsonl" }
    var csvPath: String { path + "/metrics.csv" }

    public init(path: String) { self.path = path }

    /// True when the directory already holds a checkpoint (a run would be overwritten).
    public static func holdsCheckpoint(_ path: String) -> Bool {
        let fm = FileManager.default
        return fm.fileExists(atPath: path + "/last.safetensors") || fm.fileExists(atPath: path + "/best.safetensors")
    }

    /// Creates the directory (or clears a previous run's files for --overwrite) and writes config.yaml.
    /// With `keepEpochs`, a resumed run keeps metric rows up to that epoch and drops later ones.
    public func prepare(configText: String, metricColumns: [String], overwrite: Bool, keepEpochs: Int?) throws {
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: path, withIntermediateDirectories: true)
            if overwrite && keepEpochs == nil {
                for name in (try? fm.contentsOfDirectory(atPath: path)) ?? []
                where name.hasSuffix(".safetensors") || name.hasPrefix("metrics.") || name == "tb" {
                    try fm.removeItem(atPath: path + "/" + name)
                }
            }
            try atomicWrite(configText, to: path + "/config.yaml")
            columns = metricColumns
            let kept = keepEpochs.map { keptRows(upTo: $0) } ?? []
            try atomicWrite(kept.map { $0 + "\n" }.joined(), to: jsonlPath)
            let csvRows = kept.compactMap { csvRow(fromJSON: $0) }
            try atomicWrite(([columns.joined(separator: ",")] + csvRows).map { $0 + "\n" }.joined(), to: csvPath)
            events = try EventWriter(directory: path + "/tb")
        } catch let error as FormatError {
            throw RunFailure(error.description)
        } catch {
            throw RunFailure("\(path): cannot prepare the run directory: \(error.localizedDescription)")
        }
    }

    /// Appends one epoch's metrics (missing values are written as null / empty).
    public func append(_ row: [String: Double?], epoch: Int) throws {
        var json: [String] = []
        var csv: [String] = []
        for key in columns {
            let value = row[key] ?? nil
            let text = value.map { RunDirectory.format($0, key: key) }
            json.append("\"\(key)\": \(text ?? "null")")
            csv.append(text ?? "")
        }
        do {
            try appendLine("{" + json.joined(separator: ", ") + "}", to: jsonlPath)
            try appendLine(csv.joined(separator: ","), to: csvPath)
        } catch {
            throw RunFailure("\(path): cannot write metrics: \(error.localizedDescription)")
        }
        if let events {
            for key in columns where key != "epoch" && key != "step" {
                if let value = row[key] ?? nil {
                    events.scalar(tag: key, value: Float(value), step: Int64(epoch))
                }
            }
        }
    }

    public func histogram(tag: String, values: [Float], epoch: Int) {
        events?.histogram(tag: tag, values: values, step: Int64(epoch))
    }

    public func flushEvents() { events?.flush() }
    public func close() { events?.close() }

    static func format(_ value: Double, key: String) -> String {
        if key == "epoch" || key == "step" { return String(Int(value)) }
        if !value.isFinite { return "null" }
        return String(value)
    }

    private func keptRows(upTo epoch: Int) -> [String] {
        guard let text = try? String(contentsOfFile: jsonlPath, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map(String.init).filter { line in
            guard let data = line.data(using: .utf8),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let e = object["epoch"] as? Int else { return false }
            return e <= epoch
        }
    }

    private func csvRow(fromJSON line: String) -> String? {
        guard let data = line.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return columns.map { key in
            guard let v = object[key], !(v is NSNull) else { return "" }
            return "\(v)"
        }.joined(separator: ",")
    }

    private func appendLine(_ line: String, to file: String) throws {
        guard let handle = FileHandle(forWritingAtPath: file) else {
            throw RunFailure("\(file): cannot open for appending")
        }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((line + "\n").utf8))
        try handle.synchronize()
    }

    private func atomicWrite(_ text: String, to file: String) throws {
        let tmp = file + ".tmp-\(getpid())"
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: tmp))
            if rename(tmp, file) != 0 { throw RunFailure("\(file): cannot rename into place") }
        } catch {
            unlink(tmp)
            throw RunFailure("\(file): cannot write: \(error.localizedDescription)")
        }
    }
}

/// A failure while running (I/O, NaN that stopped training): exit code 1.
public struct RunFailure: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
