/// docs/config.md's table of layer types, written from the schemas so that the two cannot
/// drift (a test compares them).
extension LayerSchemaTable {
    public var markdownReference: String {
        var lines = ["| type | key | type | default | meaning |", "| --- | --- | --- | --- | --- |"]
        for schema in schemas {
            let type = "`\(schema.type)`"
            if schema.keys.isEmpty || !schema.summary.isEmpty {
                lines.append("| \(type) | | | | \(schema.summary) |")
            }
            for (index, key) in schema.keys.enumerated() {
                let first = index == 0 && schema.summary.isEmpty
                let cells = [first ? type : "", "`\(key.name)`", key.kind.reference, key.defaultReference, key.meaning]
                lines.append("| " + cells.joined(separator: " | ") + " |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension LayerKey.Kind {
    /// The type column: what values the key takes.
    var reference: String {
        switch self {
        case .positiveInt: return "int > 0"
        case .intPair(let minimum): return minimum > 0 ? "pair > \(minimum - 1)" : "pair ≥ \(minimum)"
        case .padding: return "`valid` \\| `same` \\| pair ≥ 0"
        case .activation: return "activation (below)"
        case .bool: return "bool"
        case .initializer: return "init (below)"
        case .number(let allowed, _): return "number \(allowed)"
        case .shape: return "list of int > 0, one `-1` allowed"
        case .axis: return "int ≠ 0"
        }
    }
}

extension LayerKey {
    /// The default column.
    var defaultReference: String {
        if let defaultText { return defaultText }
        switch fallback {
        case .required: return "**required**"
        case .sameAs(let other): return "= `\(other)`"
        case .value(.string(let text)): return "`\(text)`"
        case .value(let value): return value.description
        }
    }
}
