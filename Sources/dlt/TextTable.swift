import Foundation

/// A plain-text table for stdout (`dlt sweep`, `dlt runs`): a header row, then one row per
/// item, columns separated by two spaces; text columns left-aligned, numbers right-aligned.
struct TextTable {
    let header: [String]
    let rows: [[String]]

    /// Cells that stand in for a number in a numeric column: a missing value, a failed sweep trial.
    static let placeholders: Set<String> = ["-", "failed"]

    func render() -> String {
        let widths = header.indices.map { column in
            ([header[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
        }
        let numeric = header.indices.map { column in
            !rows.isEmpty && rows.allSatisfy { Double($0[column]) != nil || Self.placeholders.contains($0[column]) }
        }
        func line(_ cells: [String]) -> String {
            var text = cells.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return numeric[column] ? pad + cell : cell + pad
            }.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n") + "\n"
    }

    /// A metric in tables: 4 decimals, "-" when missing.
    static func metric(_ value: Double?) -> String {
        guard let value else { return "-" }
        return String(format: "%.4f", value)
    }
}
