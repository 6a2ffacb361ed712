/// A place in the YAML text, both numbers 1-based; columns count Unicode scalars, as libyaml does.
public struct SourceLocation: Equatable, Hashable, Sendable, CustomStringConvertible {
    public let line: Int
    public let column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

/// A config problem the user must fix, printed as one line: `FILE:LINE:COL: message`
/// (`FILE: message` when no place is known, e.g. an empty or unreadable file).
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let location: SourceLocation?
    public let message: String

    public init(file: String, location: SourceLocation?, message: String) {
        self.file = file
        self.location = location
        self.message = message
    }

    public var description: String {
        if let location { return "\(file):\(location.line):\(location.column): \(message)" }
        return "\(file): \(message)"
    }
}
