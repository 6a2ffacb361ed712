import Foundation
import Yams

/// Applies `ConfigOverride`s to the composed YAML tree of a config, before any check runs.
///
/// Every node an override brings in carries a mark on a line past the end of the file, one band of
/// lines per override. The checks then run unchanged, and an error they raise at such a line is
/// restated with the override (`--set optimizer.lr=abc`) as its place instead of FILE:LINE:COL.
struct DocumentOverrides {
    struct Band {
        let lines: ClosedRange<Int>
        let override: ConfigOverride
    }

    private(set) var bands: [Band] = []

    /// The override whose values sit at `location`, if any.
    func override(at location: SourceLocation?) -> ConfigOverride? {
        guard let line = location?.line else { return nil }
        return bands.first { $0.lines.contains(line) }?.override
    }

    /// `root` with every override applied in order; `text` is the file's text (the bands follow its last line).
    mutating func apply(_ overrides: [ConfigOverride], to root: Node, text: String) throws -> Node {
        var nextLine = text.split(separator: "\n", omittingEmptySubsequences: false).count + 2
        var document = root
        for override in overrides {
            let value = try Self.compose(override, firstLine: nextLine)
            let lineCount = override.value.split(separator: "\n", omittingEmptySubsequences: false).count
            bands.append(Band(lines: nextLine...(nextLine + lineCount - 1), override: override))
            nextLine += lineCount
            document = try Self.setting(value, at: override.path[...], in: document, walked: [], override: override)
        }
        return document
    }

    /// The value's node, its marks inside the override's band. An empty value is YAML's null.
    private static func compose(_ override: ConfigOverride, firstLine: Int) throws -> Node {
        let trimmed = override.value.trimmingCharacters(in: .whitespaces)
        let padding = String(repeating: "\n", count: firstLine - 1)
        do {
            return try YAMLDocument.compose(text: padding + (trimmed.isEmpty ? "~" : override.value), file: override.place)
        } catch let error as ConfigError {
            throw override.error(error.message)
        }
    }

    /// `node` with `value` placed at `path`. Missing mapping keys are added (the checks then
    /// report an unknown one with its did-you-mean); list entries must exist.
    private static func setting(_ value: Node, at path: ArraySlice<String>, in node: Node, walked: [String],
                                override: ConfigOverride) throws -> Node {
        guard let name = path.first else { return value }
        let rest = path.dropFirst()
        let here = walked + [name]
        switch node {
        case .mapping(let mapping):
            var pairs = mapping.map { ($0.key, $0.value) }
            if let index = pairs.firstIndex(where: { $0.0.scalar?.string == name }) {
                // The last key is replaced too, so that errors about the entry ("has no value") name the flag.
                let key = rest.isEmpty ? keyNode(name, mark: value.mark) : pairs[index].0
                pairs[index] = (key, try setting(value, at: rest, in: pairs[index].1, walked: here, override: override))
            } else {
                let empty = Node.mapping(Node.Mapping([], Tag(.map), .flow, value.mark))
                pairs.append((keyNode(name, mark: value.mark),
                              try setting(value, at: rest, in: empty, walked: here, override: override)))
            }
            return .mapping(Node.Mapping(pairs, mapping.tag, mapping.style, mapping.mark))
        case .sequence(let sequence):
            var items = Array(sequence)
            guard let index = Int(name), items.indices.contains(index) else {
                let range = items.isEmpty ? "it is empty" : "index it with 0 to \(items.count - 1)"
                throw override.error("\(dotted(walked)) is a list of \(items.count); '\(name)' is not one of its entries (\(range))")
            }
            items[index] = try setting(value, at: rest, in: items[index], walked: here, override: override)
            return .sequence(Node.Sequence(items, sequence.tag, sequence.style, sequence.mark))
        case .scalar where node.resolvedTagName == .null:
            // `flatten:` with no value reads as an empty mapping, so it can take keys too.
            let empty = Node.mapping(Node.Mapping([], Tag(.map), .flow, value.mark))
            return try setting(value, at: path, in: empty, walked: walked, override: override)
        default:
            throw override.error("\(dotted(walked)) is \(ValueReader.describe(node)), not a mapping, so it has no key '\(name)'")
        }
    }

    private static func keyNode(_ name: String, mark: Mark?) -> Node {
        .scalar(Node.Scalar(name, Tag(.str), .plain, mark))
    }

    private static func dotted(_ walked: [String]) -> String { walked.isEmpty ? "the config" : walked.joined(separator: ".") }
}

extension DocumentOverrides {
    /// `error` with the override as its place when it points into an override's band of `file`.
    func restated(_ error: ConfigError, file: String) -> ConfigError {
        guard error.file == file, let override = override(at: error.location) else { return error }
        return override.error(error.message)
    }
}
