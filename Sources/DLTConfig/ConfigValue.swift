/// A checked scalar or list value from the config, as the graph builder reads it.
public enum ConfigValue: Equatable, Sendable, CustomStringConvertible {
    case int(Int)
    case double(Double)
    case string(String)
    case bool(Bool)
    case list([ConfigValue])

    public var description: String {
        switch self {
        case .int(let value): return String(value)
        case .double(let value): return String(value)
        case .string(let value): return value
        case .bool(let value): return String(value)
        case .list(let values): return "[" + values.map(\.description).joined(separator: ", ") + "]"
        }
    }

    /// `3` → (3, 3); `[3, 5]` → (3, 5) as (height, width); nil for anything else.
    public var intPair: (Int, Int)? {
        switch self {
        case .int(let value): return (value, value)
        case .list(let items) where items.count == 2:
            if case .int(let a) = items[0], case .int(let b) = items[1] { return (a, b) }
            return nil
        default: return nil
        }
    }
}
