import Yams

/// A config value that is one of a fixed set of names (a loss, an optimizer, a schedule, ...):
/// the enum's raw values are what a config writes, so parsing yields the case itself and no later
/// stage compares strings or has a `default:` for names it does not know.
public protocol ConfigName: CaseIterable, RawRepresentable, Sendable where RawValue == String {}

extension ConfigName {
    /// Every accepted name, in declaration order (as errors and docs list them).
    public static var names: [String] { allCases.map(\.rawValue) }
}

extension ValueReader {
    /// The case `node` names; otherwise an error listing the names, with a did-you-mean.
    func choice<Name: ConfigName>(_ node: Node, _ what: String, kind: String, as _: Name.Type = Name.self) throws -> Name {
        let text = try choice(node, what, Name.names, kind: kind)
        guard let name = Name.allCases.first(where: { $0.rawValue == text }) else {
            throw error(node, Self.unknownName(kind: kind, name: text, allowed: Name.names))
        }
        return name
    }
}

extension MappingReader {
    /// The case under `key`, or nil when the key is absent.
    func choice<Name: ConfigName>(_ key: String, kind: String, as _: Name.Type = Name.self) throws -> Name? {
        try value(key).map { try reader.choice($0, what(key), kind: kind) }
    }
}
