import DLTData
import Foundation

/// A run directory's metrics.jsonl read back: one row per epoch, missing (null) values left out.
/// `dlt plot`, `dlt runs` and `dlt sweep` read runs through this.
public struct RunMetrics {
    public let directory: String
    public let rows: [[String: Double]]

    public static func path(in directory: String) -> String { directory + "/metrics.jsonl" }

    /// True when `directory` holds a metrics.jsonl (a run directory, finished or not).
    public static func isRun(_ directory: String) -> Bool {
        FileManager.default.fileExists(atPath: path(in: directory))
    }

    public static func read(runDirectory: String) throws -> RunMetrics {
        let path = path(in: runDirectory)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw DataError(file: path, message: "cannot read the run's metrics (is \(runDirectory) a dlt run directory?)")
        }
        var rows: [[String: Double]] = []
        for (n, line) in text.split(separator: "\n").enumerated() {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw DataError(file: path, message: "line \(n + 1) is not a JSON object")
            }
            rows.append(object.compactMapValues { ($0 as? NSNumber)?.doubleValue })
        }
        return RunMetrics(directory: runDirectory, rows: rows)
    }

    public var last: [String: Double]? { rows.last }

    /// The epoch whose `monitor` value is best (the first of equals), with the key it was read
    /// under (`val_loss`, or `train_loss` for a run without validation data).
    public func best(_ monitor: MetricMonitor) -> (key: String, value: Double, row: [String: Double])? {
        var best: (key: String, value: Double, row: [String: Double])?
        for row in rows {
            guard let reading = monitor.reading(in: row.mapValues { Optional($0) }) else { continue }
            if monitor.improves(reading.value, on: best?.value) { best = (reading.key, reading.value, row) }
        }
        return best
    }

    /// The best value of `key` over the epochs: the lowest loss, the highest other metric.
    public func best(_ key: String) -> Double? {
        let values = rows.compactMap { $0[key] }
        return MetricMonitor(key).maximizes ? values.max() : values.min()
    }
}
