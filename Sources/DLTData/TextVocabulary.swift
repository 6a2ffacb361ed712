/// Word-level tokenization and vocabulary building for text classification CSVs.
///
/// Tokens are maximal runs of letters and digits in the lowercased text; whitespace and
/// punctuation separate them. Id 0 is `<pad>`, id 1 is `<unk>`, then the most frequent tokens.
public enum TextVocabulary {
    public static let pad = "<pad>"
    public static let unknown = "<unk>"

    /// The tokens of `text`, lowercased, split on anything that is not a letter or digit.
    public static func tokenize(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else if !current.isEmpty {
                tokens.append(current)
                current = ""
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    /// A vocabulary of at most `size` entries: `<pad>`, `<unk>`, then tokens by descending
    /// frequency, ties broken by first appearance, so the same texts always give the same ids.
    public static func build(from tokenizedTexts: [[String]], size: Int) -> [String] {
        var counts: [String: (count: Int, first: Int)] = [:]
        var order = 0
        for tokens in tokenizedTexts {
            for token in tokens {
                if let entry = counts[token] {
                    counts[token] = (entry.count + 1, entry.first)
                } else {
                    counts[token] = (1, order)
                    order += 1
                }
            }
        }
        let ranked = counts.sorted { a, b in
            a.value.count != b.value.count ? a.value.count > b.value.count : a.value.first < b.value.first
        }
        let room = max(0, size - 2)
        return [pad, unknown] + ranked.prefix(room).map(\.key)
    }

    /// Token ids of `tokens` under `index`, truncated or padded with 0 to `length`.
    static func encode(_ tokens: [String], index: [String: Int], length: Int, into output: inout [Float]) {
        for position in 0..<length {
            if position < tokens.count {
                output.append(Float(index[tokens[position]] ?? 1))
            } else {
                output.append(0)
            }
        }
    }
}
