/// A parser for the small Python dict literal in a `.npy` header:
/// string keys; values are strings, True/False, or tuples of integers.
struct NPYHeaderDictionary {
    enum Value: Equatable {
        case string(String)
        case bool(Bool)
        case tuple([Int])
    }

    private let characters: [Character]
    private var position = 0

    init(text: String) { characters = Array(text) }

    /// The entries, or nil when the text is not such a dict.
    mutating func parse() -> [String: Value]? {
        var entries: [String: Value] = [:]
        guard consume("{") else { return nil }
        while true {
            skipBlanks()
            if consume("}") { return entries }
            guard let key = parseString() else { return nil }
            skipBlanks()
            guard consume(":") else { return nil }
            skipBlanks()
            guard let value = parseValue() else { return nil }
            entries[key] = value
            skipBlanks()
            if consume(",") { continue }
            skipBlanks()
            return consume("}") ? entries : nil
        }
    }

    private mutating func parseValue() -> Value? {
        if let text = parseString() { return .string(text) }
        if consumeWord("True") { return .bool(true) }
        if consumeWord("False") { return .bool(false) }
        guard consume("(") else { return nil }
        var items: [Int] = []
        while true {
            skipBlanks()
            if consume(")") { return .tuple(items) }
            var digits = ""
            while position < characters.count, characters[position].isASCII, characters[position].isNumber {
                digits.append(characters[position])
                position += 1
            }
            // "L" suffixes come from Python 2 writers.
            _ = consume("L")
            guard digits.count <= 18, let item = Int(digits) else { return nil }
            items.append(item)
            skipBlanks()
            if consume(",") { continue }
            skipBlanks()
            return consume(")") ? .tuple(items) : nil
        }
    }

    private mutating func parseString() -> String? {
        guard position < characters.count, characters[position] == "'" || characters[position] == "\"" else { return nil }
        let quote = characters[position]
        position += 1
        var text = ""
        while position < characters.count, characters[position] != quote {
            text.append(characters[position])
            position += 1
        }
        guard position < characters.count else { return nil }
        position += 1
        return text
    }

    private mutating func skipBlanks() {
        while position < characters.count, characters[position].isWhitespace { position += 1 }
    }

    private mutating func consume(_ character: Character) -> Bool {
        guard position < characters.count, characters[position] == character else { return false }
        position += 1
        return true
    }

    private mutating func consumeWord(_ word: String) -> Bool {
        let end = position + word.count
        guard end <= characters.count, String(characters[position..<end]) == word else { return false }
        position = end
        return true
    }
}
