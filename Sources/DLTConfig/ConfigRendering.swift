import Yams

/// The text of a config after `--set` overrides: the overridden document as YAML, under a comment
/// naming the file and the overrides. It is what config.yaml and checkpoints hold, so a run
/// directory always shows the config as run, and `dlt train DIR/config.yaml` repeats it.
enum ConfigRendering {
    static func render(_ root: Node, file: String, overrides: [ConfigOverride]) throws -> String {
        let body: String
        do {
            body = try Yams.serialize(node: compactingLeaves(root), width: -1, allowUnicode: true, sortKeys: false)
        } catch {
            throw ConfigError(file: file, location: nil, message: "cannot write the config after the overrides as YAML: \(error)")
        }
        let header = overrides.map { "#   \($0.place)" }.joined(separator: "\n")
        return "# \(file), with:\n\(header)\n" + body
    }

    /// Mappings and lists of scalars only in flow style (`{units: 4, activation: relu}`,
    /// `[1, 28, 28]`), as configs are usually written; the rest in block style.
    private static func compactingLeaves(_ node: Node) -> Node {
        func isScalar(_ node: Node) -> Bool { if case .scalar = node { return true } else { return false } }
        switch node {
        case .mapping(let mapping):
            let pairs = mapping.map { ($0.key, compactingLeaves($0.value)) }
            let style: Node.Mapping.Style = pairs.allSatisfy { isScalar($0.1) } ? .flow : .block
            return .mapping(Node.Mapping(pairs, mapping.tag, style, mapping.mark))
        case .sequence(let sequence):
            let items = sequence.map(compactingLeaves)
            let style: Node.Sequence.Style = items.allSatisfy(isScalar) ? .flow : .block
            return .sequence(Node.Sequence(items, sequence.tag, style, sequence.mark))
        default:
            return node
        }
    }
}
