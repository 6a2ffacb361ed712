/// "Did you mean" hints for misspelled names, by edit distance over the names allowed at
/// that place in the config.
enum NameSuggestion {
    /// The closest allowed name, if it is close enough to be a plausible typo: none for one-letter names, at most 1 edit for
    /// names of up to 4 characters, else at most a third of the longer name's length.
    /// A name that contains or is contained in an allowed name (`conv` → `conv2d`) also qualifies.
    static func nearest(to name: String, in allowed: [String]) -> String? {
        let lowered = name.lowercased()
        var best: (name: String, distance: Int)?
        for candidate in allowed {
            let distance = editDistance(lowered, candidate.lowercased())
            if best == nil || distance < best!.distance { best = (candidate, distance) }
        }
        guard let best else { return nil }
        let length = max(lowered.count, best.name.count)
        // one-letter names are all one edit apart: suggesting among them is noise
        let limit = length <= 1 ? 0 : length <= 4 ? 1 : max(2, length / 3)
        if best.distance <= limit { return best.name }
        if lowered.count >= 3, let containing = allowed.first(where: { $0.hasPrefix(lowered) || lowered.hasPrefix($0) }) {
            return containing
        }
        return nil
    }

    /// " — did you mean 'x'?" or "" when nothing is close.
    static func hint(for name: String, in allowed: [String]) -> String {
        guard let nearest = nearest(to: name, in: allowed), nearest != name else { return "" }
        return " — did you mean '\(nearest)'?"
    }

    /// Optimal-string-alignment distance: Levenshtein (insert, delete, substitute each cost 1)
    /// plus swapping two neighbours for 1, since `rleu` for `relu` is the commonest typo.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        // table[i][j] = distance between the first i scalars of a and the first j of b
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j - 1] + cost, table[i - 1][j] + 1, table[i][j - 1] + 1)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }

    /// "a, b or c" for messages listing what is allowed.
    static func list(_ names: [String]) -> String {
        guard names.count > 1 else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " or " + names.last!
    }
}
