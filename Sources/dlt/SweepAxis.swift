import DLTConfig
import DLTCore
import DLTTrain
import Foundation

/// One `--grid KEY=...` of `dlt sweep`: a config path and the values a trial may give it, either
/// a list (`optimizer.lr=0.1,0.01`, each item a YAML value) or, for `--random` only, a range
/// (`optimizer.lr=1e-4:1e-1:log`, `train.batch_size=16:128`).
struct SweepAxis: Equatable {
    enum Values: Equatable {
        case list([String])
        /// Uniform in [low, high], or log-uniform with `log`; whole numbers when both bounds are written as such.
        case range(low: Double, high: Double, log: Bool, integers: Bool)
    }

    let key: String
    let values: Values
    /// The argument as given, for messages and sweep.json.
    let argument: String

    init(argument: String) throws {
        self.argument = argument
        guard let equals = argument.firstIndex(of: "=") else {
            throw UsageError("--grid \(argument): expected KEY=V1,V2,... or KEY=LOW:HIGH[:log], e.g. --grid optimizer.lr=0.1,0.01")
        }
        key = String(argument[..<equals]).trimmingCharacters(in: .whitespaces)
        let text = String(argument[argument.index(after: equals)...])
        if key.isEmpty { throw UsageError("--grid \(argument): the key is empty; give a dotted config path such as optimizer.lr") }
        if text.trimmingCharacters(in: .whitespaces).isEmpty {
            throw UsageError("--grid \(argument): no values; give a list V1,V2,... or a range LOW:HIGH for --random")
        }
        if let range = try Self.range(text, argument: argument) {
            values = range
        } else {
            let items = Self.splitTopLevel(text)
            if items.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                throw UsageError("--grid \(argument): an empty value in the list; separate values with single commas")
            }
            values = .list(items)
        }
    }

    /// How many distinct values the axis holds; nil for a range.
    var count: Int? {
        if case .list(let items) = values { return items.count }
        return nil
    }

    func override(_ value: String) -> ConfigOverride { ConfigOverride(key: key, value: value, flag: "--grid") }

    /// A value drawn for `--random`.
    func draw(_ random: inout SeededRandom) -> String {
        switch values {
        case .list(let items):
            return items[Int(random.next() % UInt64(items.count))]
        case let .range(low, high, log, integers):
            let unit = Double(random.next() >> 11) * 0x1p-53
            let value = log ? Foundation.exp(Foundation.log(low) + unit * (Foundation.log(high) - Foundation.log(low)))
                            : low + unit * (high - low)
            if integers { return String(Int(min(max(value.rounded(), low), high))) }
            return String(format: "%.4g", value)
        }
    }

    /// `LOW:HIGH` or `LOW:HIGH:log`, both bounds numbers; nil when the text is not of that form.
    private static func range(_ text: String, argument: String) throws -> Values? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2 || parts.count == 3, let low = Double(parts[0]), let high = Double(parts[1]) else { return nil }
        let log = parts.count == 3
        if log && parts[2] != "log" {
            throw UsageError("--grid \(argument): a range is LOW:HIGH (uniform) or LOW:HIGH:log (log-uniform), got ':\(parts[2])'")
        }
        guard low.isFinite, high.isFinite, low < high else {
            throw UsageError("--grid \(argument): the range needs LOW < HIGH, got \(parts[0]) and \(parts[1])")
        }
        if log && low <= 0 { throw UsageError("--grid \(argument): a log range needs LOW > 0, got \(parts[0])") }
        let integers = Int(parts[0]) != nil && Int(parts[1]) != nil
        return .range(low: low, high: high, log: log, integers: integers)
    }

    /// Splits at commas outside brackets, braces and quotes, so `[1, 2],[3, 4]` is two YAML values.
    static func splitTopLevel(_ text: String) -> [String] {
        var items: [String] = [], current = "", depth = 0
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character == "[" || character == "{" {
                depth += 1
            } else if character == "]" || character == "}" {
                depth -= 1
            } else if character == ",", depth == 0 {
                items.append(current)
                current = ""
                continue
            }
            current.append(character)
        }
        return items + [current]
    }
}
