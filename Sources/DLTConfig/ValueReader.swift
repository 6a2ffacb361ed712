import Yams

/// Checked conversions from YAML nodes to values. Every failure is a `ConfigError` at the node,
/// worded "`<what>` must be …, got …" where `what` names the key and its section.
struct ValueReader {
    let file: String

    func error(_ node: Node?, _ message: String) -> ConfigError {
        ConfigError(file: file, location: node.flatMap(YAMLDocument.location(of:)), message: message)
    }

    /// How a node reads in a message: `'abc'`, `3.5`, `true`, `a list`, `a mapping`, `nothing`.
    static func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            switch node.resolvedTagName {
            case .null: return "nothing"
            case .int, .float, .bool: return scalar.string
            default: return "'\(scalar.string)'"
            }
        }
    }

    func isNull(_ node: Node) -> Bool {
        if case .scalar = node { return node.resolvedTagName == .null }
        return false
    }

    func int(_ node: Node, _ what: String, atLeast minimum: Int? = nil) throws -> Int {
        let expected: String
        switch minimum {
        case 1: expected = "a positive whole number"
        case 0: expected = "a whole number ≥ 0"
        case let m?: expected = "a whole number ≥ \(m)"
        case nil: expected = "a whole number"
        }
        guard node.resolvedTagName == .int, let value = node.int else {
            throw error(node, "\(what) must be \(expected), got \(Self.describe(node))")
        }
        if let minimum, value < minimum {
            throw error(node, "\(what) must be \(expected), got \(value)")
        }
        return value
    }

    /// A finite number (whole numbers are accepted). `range` checks are done by the caller's
    /// `check(_:_:_:)` so that the message can state the allowed interval.
    func double(_ node: Node, _ what: String) throws -> Double {
        guard node.resolvedTagName == .int || node.resolvedTagName == .float, let value = node.float else {
            throw error(node, "\(what) must be a number, got \(Self.describe(node))")
        }
        guard value.isFinite else { throw error(node, "\(what) must be a finite number, got \(Self.describe(node))") }
        return value
    }

    /// A number that must satisfy `isAllowed`, described by `allowed` ("in [0, 1)", "> 0").
    func double(_ node: Node, _ what: String, _ allowed: String, _ isAllowed: (Double) -> Bool) throws -> Double {
        let value = try double(node, what)
        guard isAllowed(value) else { throw error(node, "\(what) must be \(allowed), got \(Self.describe(node))") }
        return value
    }

    func bool(_ node: Node, _ what: String) throws -> Bool {
        guard node.resolvedTagName == .bool, let value = node.bool else {
            throw error(node, "\(what) must be true or false, got \(Self.describe(node))")
        }
        return value
    }

    /// Any non-empty scalar, read as text (so `name: 2024` is the name "2024").
    func string(_ node: Node, _ what: String) throws -> String {
        guard case .scalar(let scalar) = node, node.resolvedTagName != .null, !scalar.string.isEmpty else {
            throw error(node, "\(what) must be a text value, got \(Self.describe(node))")
        }
        return scalar.string
    }

    /// One of `allowed`; misspellings get a did-you-mean.
    func choice(_ node: Node, _ what: String, _ allowed: [String], kind: String) throws -> String {
        guard case .scalar(let scalar) = node, node.resolvedTagName != .null else {
            throw error(node, "\(what) must be one of \(NameSuggestion.list(allowed)), got \(Self.describe(node))")
        }
        let value = scalar.string
        guard allowed.contains(value) else {
            throw error(node, Self.unknownName(kind: kind, name: value, allowed: allowed))
        }
        return value
    }

    /// "unknown layer 'conv2' — did you mean 'conv2d'?" or "unknown layer 'x'; allowed: …".
    static func unknownName(kind: String, name: String, allowed: [String]) -> String {
        let hint = NameSuggestion.hint(for: name, in: allowed)
        if !hint.isEmpty { return "unknown \(kind) '\(name)'\(hint)" }
        return "unknown \(kind) '\(name)'; allowed: \(NameSuggestion.list(allowed))"
    }

    func sequence(_ node: Node, _ what: String) throws -> [Node] {
        guard case .sequence(let items) = node else {
            throw error(node, "\(what) must be a list, got \(Self.describe(node))")
        }
        return Array(items)
    }

    /// A list, or a single scalar standing for a one-element list (`metrics: accuracy`).
    func sequenceOrScalar(_ node: Node, _ what: String) throws -> [Node] {
        if case .scalar = node, !isNull(node) { return [node] }
        return try sequence(node, what)
    }

    /// `3` or `[3, 5]` (height, width), each ≥ `minimum`.
    func intPair(_ node: Node, _ what: String, atLeast minimum: Int) throws -> ConfigValue {
        if case .sequence(let items) = node {
            guard items.count == 2 else {
                throw error(node, "\(what) must be a number or a list of two [height, width], got a list of \(items.count)")
            }
            return .list(try items.map { .int(try int($0, what, atLeast: minimum)) })
        }
        return .int(try int(node, what, atLeast: minimum))
    }
}
