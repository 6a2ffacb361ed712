import Foundation

/// One `--set KEY=VALUE` from the command line (or one trial value of `dlt sweep --grid`): a dotted
/// path into the config (`optimizer.lr`, `model.layers.2.conv2d.filters`; whole numbers index
/// lists) and a YAML value, applied to the document before it is checked, so the value is
/// validated, defaulted and reported exactly as if it were written in the file.
public struct ConfigOverride: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The dotted path, as given.
    public let key: String
    /// The YAML text of the value, as given (`0.01`, `[1, 28, 28]`, `{name: sgd}`).
    public let value: String
    /// The flag it came from, named in errors: `--set` or `--grid`.
    public let flag: String

    public init(key: String, value: String, flag: String = "--set") {
        self.key = key
        self.value = value
        self.flag = flag
    }

    /// Reads `KEY=VALUE`; the value may itself contain `=`.
    public init(argument: String, flag: String = "--set") throws {
        guard let equals = argument.firstIndex(of: "=") else {
            throw ConfigError(file: "\(flag) \(argument)", location: nil,
                              message: "expected KEY=VALUE with a dotted config path, e.g. \(flag) optimizer.lr=0.01")
        }
        let key = String(argument[..<equals]).trimmingCharacters(in: .whitespaces)
        self.init(key: key, value: String(argument[argument.index(after: equals)...]), flag: flag)
        try checkPath()
    }

    /// `optimizer.lr=0.01`: how the override reads in tables and run names.
    public var description: String { "\(key)=\(value)" }

    /// Where errors about this value are reported: `--set optimizer.lr=abc`.
    public var place: String { "\(flag) \(description)" }

    /// The path's components: `model.layers.2` → ["model", "layers", "2"].
    public var path: [String] { key.split(separator: ".", omittingEmptySubsequences: false).map(String.init) }

    func error(_ message: String) -> ConfigError { ConfigError(file: place, location: nil, message: message) }

    private func checkPath() throws {
        if key.isEmpty { throw error("the key is empty; give a dotted config path such as optimizer.lr") }
        if path.contains(where: \.isEmpty) {
            throw error("'\(key)' has an empty path component; separate keys with single dots, e.g. optimizer.lr")
        }
    }
}

/// Every override of a run, in command-line order (a later one wins over an earlier one).
extension Array where Element == ConfigOverride {
    /// `optimizer.lr=0.01 train.batch_size=64`, for headers and legends.
    public var summary: String { map(\.description).joined(separator: " ") }
}
