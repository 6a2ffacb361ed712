import Foundation
import Yams

/// Turns YAML text into a Yams node tree, converting every Yams / libyaml failure into a
/// one-line `ConfigError` at its line and column.
enum YAMLDocument {
    static func compose(text: String, file: String) throws -> Node {
        if let nul = text.unicodeScalars.firstIndex(of: "\0") {
            let offset = text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: nul)
            throw ConfigError(file: file, location: location(ofScalarOffset: offset, in: text),
                              message: "the file holds binary data (a NUL byte), not YAML text; is this the right file?")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw convert(error, text: text, file: file)
        }
        guard let root else {
            throw ConfigError(file: file, location: nil,
                              message: "the config is empty; it needs at least 'model:' with 'input:' and 'layers:'")
        }
        if case .scalar(let scalar) = root, scalar.string.isEmpty {
            throw ConfigError(file: file, location: nil,
                              message: "the config is empty; it needs at least 'model:' with 'input:' and 'layers:'")
        }
        return root
    }

    static func location(of node: Node) -> SourceLocation? {
        node.mark.map { SourceLocation(line: $0.line, column: $0.column) }
    }

    private static func convert(_ error: YamlError, text: String, file: String) -> ConfigError {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(line: mark.line, column: mark.column) }
        func detail(_ context: YamlError.Context?) -> String {
            guard let context else { return "" }
            return " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
        }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _):
            let tabHint = character(at: mark, in: text) == "\t" ? "; YAML indents with spaces, not tabs" : ""
            return ConfigError(file: file, location: at(mark), message: "YAML syntax error: \(problem)\(detail(context))\(tabHint)")
        case let .composer(context, problem, mark, _):
            let advice = problem.contains("another document") ? "; a config is a single YAML document (remove the '---')" : ""
            return ConfigError(file: file, location: at(mark), message: "YAML error: \(problem)\(detail(context))\(advice)")
        case let .reader(problem, offset, _, _):
            let place = offset.flatMap { characterOffset -> SourceLocation? in
                guard let index = text.index(text.startIndex, offsetBy: characterOffset, limitedBy: text.endIndex) else { return nil }
                return location(ofScalarOffset: text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: index), in: text)
            }
            return ConfigError(file: file, location: place, message: "the file is not readable YAML text: \(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            return duplicateKeyError(keys: duplicates, firstMark: context.mark, text: text, file: file)
        default:
            return ConfigError(file: file, location: nil, message: "YAML error: \(error)")
        }
    }

    /// Yams reports a duplicated key at its first occurrence. To point at the repeat (the line a
    /// user most likely just added), the first key is masked with private-use characters of the
    /// same length and the text parsed again; the repeat is then the key with the original name
    /// in the mapping that holds the mask.
    private static func duplicateKeyError(keys: [String], firstMark: Mark, text: String, file: String) -> ConfigError {
        let key = keys.first ?? "?"
        let first = SourceLocation(line: firstMark.line, column: firstMark.column)
        var message = "duplicate key '\(key)' in the same mapping; each key may be given once"
        var place = first
        if let repeatLocation = locateRepeat(of: key, firstMark: firstMark, text: text) {
            place = repeatLocation
            message += " (first given at line \(first.line), column \(first.column))"
        }
        return ConfigError(file: file, location: place, message: message)
    }

    private static func locateRepeat(of key: String, firstMark: Mark, text: String) -> SourceLocation? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array(String($0).unicodeScalars) }
        guard firstMark.line >= 1, firstMark.line <= lines.count else { return nil }
        var line = lines[firstMark.line - 1]
        var start = firstMark.column - 1
        if start < line.count, line[start] == "\"" || line[start] == "'" { start += 1 }
        let keyScalars = Array(key.unicodeScalars)
        guard start + keyScalars.count <= line.count, Array(line[start..<start + keyScalars.count]) == keyScalars else { return nil }
        let mask = "\u{E000}"
        for i in start..<start + keyScalars.count { line[i] = mask.unicodeScalars.first! }
        lines[firstMark.line - 1] = line
        let masked = lines.map { String(String.UnicodeScalarView($0)) }.joined(separator: "\n")
        guard let root = try? Yams.compose(yaml: masked) else { return nil }
        let maskedKey = String(repeating: mask, count: keyScalars.count)
        return findSibling(of: maskedKey, named: key, in: root)
    }

    private static func findSibling(of maskedKey: String, named key: String, in node: Node) -> SourceLocation? {
        switch node {
        case .mapping(let mapping):
            if mapping.contains(where: { $0.key.scalar?.string == maskedKey }),
               let repeatKey = mapping.first(where: { $0.key.scalar?.string == key })?.key {
                return location(of: repeatKey)
            }
            for (_, value) in mapping {
                if let found = findSibling(of: maskedKey, named: key, in: value) { return found }
            }
        case .sequence(let sequence):
            for item in sequence {
                if let found = findSibling(of: maskedKey, named: key, in: item) { return found }
            }
        default: break
        }
        return nil
    }

    private static func character(at mark: Mark, in text: String) -> Unicode.Scalar? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard mark.line >= 1, mark.line <= lines.count else { return nil }
        let scalars = Array(lines[mark.line - 1].unicodeScalars)
        return mark.column >= 1 && mark.column <= scalars.count ? scalars[mark.column - 1] : nil
    }

    /// Line and column (1-based, columns in Unicode scalars) of the scalar at `offset`.
    static func location(ofScalarOffset offset: Int, in text: String) -> SourceLocation {
        var line = 1, column = 1
        for (index, scalar) in text.unicodeScalars.enumerated() {
            if index == offset { break }
            if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return SourceLocation(line: line, column: column)
    }
}

extension Node {
    /// The resolved YAML tag (int, float, bool, null, str, …); Yams keeps `Tag.name` internal
    /// but prints it as the description.
    var resolvedTagName: Tag.Name { Tag.Name(rawValue: tag.description) }
}
