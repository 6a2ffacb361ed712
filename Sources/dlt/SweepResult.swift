import DLTConfig
import DLTTrain
import Foundation

/// One finished trial of a sweep: a row of sweep.jsonl and sweep.csv.
struct SweepResult {
    enum Status: String { case finished, failed }

    let trial: String
    let status: Status
    /// The metric the trial was ranked by (`train.monitor`; its train_ twin without validation data).
    let monitor: String
    let best: Double?
    let bestEpoch: Int?
    /// The best value of every val_ metric over the epochs.
    let validation: [String: Double]
    let epoch: Int
    let step: Int
    let seconds: Double
    /// Why a failed trial failed (a NaN loss with on_nan: stop, a write error).
    let error: String?

    /// Reads a trial's run directory once it has trained.
    init(trial: String, runDirectory: String, monitor: MetricMonitor, seconds: Double, error: String? = nil) {
        let metrics = try? RunMetrics.read(runDirectory: runDirectory)
        let best = metrics?.best(monitor)
        let keys = Set(metrics?.rows.flatMap(\.keys) ?? []).filter { $0.hasPrefix("val_") }
        self.trial = trial
        status = error == nil ? .finished : .failed
        self.monitor = best?.key ?? monitor.key
        self.best = best?.value
        bestEpoch = best?.row["epoch"].map { Int($0) }
        validation = Dictionary(uniqueKeysWithValues: keys.compactMap { key in metrics?.best(key).map { (key, $0) } })
        epoch = Int(metrics?.last?["epoch"] ?? 0)
        step = Int(metrics?.last?["step"] ?? 0)
        self.seconds = seconds
        self.error = error
    }

    /// A row of sweep.jsonl read back; nil for a line that is not one (a write cut short).
    init?(json line: Substring) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let trial = object["trial"] as? String,
              let status = (object["status"] as? String).flatMap(Status.init(rawValue:)) else { return nil }
        func number(_ key: String) -> Double? { (object[key] as? NSNumber)?.doubleValue }
        self.trial = trial
        self.status = status
        monitor = object["monitor"] as? String ?? "val_loss"
        best = number("best")
        bestEpoch = number("best_epoch").map { Int($0) }
        validation = object.compactMapValues { ($0 as? NSNumber)?.doubleValue }.filter { $0.key.hasPrefix("val_") }
        epoch = Int(number("epoch") ?? 0)
        step = Int(number("step") ?? 0)
        seconds = number("seconds") ?? 0
        error = object["error"] as? String
    }

    /// The sweep.jsonl object: the overrides (numbers as JSON numbers), the best values, the time.
    func jsonObject(overrides: [ConfigOverride]) -> [String: Any] {
        var object: [String: Any] = [
            "trial": trial, "status": status.rawValue, "monitor": monitor, "epoch": epoch, "step": step,
            "seconds": (seconds * 1000).rounded() / 1000,
            "overrides": Dictionary(overrides.map { ($0.key, Self.jsonValue($0.value)) }, uniquingKeysWith: { $1 }),
        ]
        if let best { object["best"] = best }
        if let bestEpoch { object["best_epoch"] = bestEpoch }
        if let error { object["error"] = error }
        for (key, value) in validation { object[key] = value }
        return object
    }

    /// A value as YAML would read it, for JSON: a finite number stays a number, anything else is
    /// text. Letters other than an exponent's `e` make it text, so `nan`, `inf` and `0x1F`
    /// (which `Double(_:)` would read) stay as written.
    static func jsonValue(_ text: String) -> Any {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let integer = Int(trimmed) { return integer }
        if let number = Double(trimmed), number.isFinite, trimmed.rangeOfCharacter(from: .letters.subtracting(CharacterSet(charactersIn: "eE"))) == nil {
            return number
        }
        return text
    }
}
