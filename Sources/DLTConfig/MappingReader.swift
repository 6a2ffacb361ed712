import Yams

/// One YAML mapping of the config (a section, a layer's options, a data split), read key by key.
/// Keys are checked against the allowed set first, so a typo is reported with a did-you-mean
/// instead of silently falling back to a default (Darknet's "Unused field" cost runs).
struct MappingReader {
    let reader: ValueReader
    /// How the mapping is named in messages: "optimizer", "layer 'dense_1'", "data.train".
    let section: String
    let location: SourceLocation?
    let entries: [(key: String, keyNode: Node, value: Node)]

    /// `node` must be a mapping; an empty value (`flatten:`) reads as an empty mapping.
    init(_ node: Node, section: String, reader: ValueReader) throws {
        self.reader = reader
        self.section = section
        self.location = YAMLDocument.location(of: node)
        switch node {
        case .mapping(let mapping):
            entries = try mapping.map { key, value in
                guard case .scalar(let scalar) = key, key.resolvedTagName != .null else {
                    throw reader.error(key, "\(section): keys must be plain names, got \(ValueReader.describe(key))")
                }
                return (scalar.string, key, value)
            }
        case .scalar where reader.isNull(node):
            entries = []
        default:
            throw reader.error(node, "\(section) must be a mapping of keys to values, got \(ValueReader.describe(node))")
        }
    }

    var keys: [String] { entries.map(\.key) }

    func checkKeys(allowed: [String]) throws {
        for entry in entries where !allowed.contains(entry.key) {
            let message: String
            if allowed.isEmpty {
                message = "\(section) takes no options, got '\(entry.key)'"
            } else {
                message = section == ModelConfig.topLevelSection
                    ? ValueReader.unknownName(kind: "top-level key", name: entry.key, allowed: allowed)
                    : "\(section): " + ValueReader.unknownName(kind: "key", name: entry.key, allowed: allowed)
            }
            throw reader.error(entry.keyNode, message)
        }
    }

    func node(_ key: String) -> Node? { entries.first { $0.key == key }?.value }

    /// The value's position, else the key's, else the mapping's.
    func location(of key: String) -> SourceLocation? {
        guard let entry = entries.first(where: { $0.key == key }) else { return location }
        return YAMLDocument.location(of: entry.value) ?? YAMLDocument.location(of: entry.keyNode)
    }

    /// The value of `key`, treating an empty value (`lr:`) as missing-with-a-reason.
    func value(_ key: String) throws -> Node? {
        guard let entry = entries.first(where: { $0.key == key }) else { return nil }
        if reader.isNull(entry.value) {
            throw reader.error(entry.keyNode, "\(section): '\(key)' has no value; give it one or remove the line")
        }
        return entry.value
    }

    func required(_ key: String, _ expected: String) throws -> Node {
        guard let node = try value(key) else {
            throw ConfigError(file: reader.file, location: location,
                              message: "\(section) is missing the required key '\(key)' (\(expected))")
        }
        return node
    }

    func what(_ key: String) -> String { "\(section): \(key)" }

    func int(_ key: String, atLeast minimum: Int? = nil) throws -> Int? {
        try value(key).map { try reader.int($0, what(key), atLeast: minimum) }
    }

    func double(_ key: String, _ allowed: String, _ isAllowed: @escaping (Double) -> Bool) throws -> Double? {
        try value(key).map { try reader.double($0, what(key), allowed, isAllowed) }
    }

    func bool(_ key: String) throws -> Bool? {
        try value(key).map { try reader.bool($0, what(key)) }
    }

    func string(_ key: String) throws -> String? {
        try value(key).map { try reader.string($0, what(key)) }
    }

    func choice(_ key: String, _ allowed: [String], kind: String) throws -> String? {
        try value(key).map { try reader.choice($0, what(key), allowed, kind: kind) }
    }
}
