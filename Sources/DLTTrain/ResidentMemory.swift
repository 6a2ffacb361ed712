import Foundation

/// The process's resident set size, logged per epoch (`rss_mb`) so that memory growth shows in
/// metrics.jsonl and is tested.
enum ResidentMemory {
    static func megabytes() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Double(fields[1]) else { return nil }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
    }
}
