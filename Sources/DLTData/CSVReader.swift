/// Reads CSV files into datasets: numeric feature tables, or a text column turned into token ids.
public enum CSVReader {
    /// Which column: by header name, by 0-based index, the last one, or none at all.
    public enum Column: Equatable {
        case name(String)
        case index(Int)
        case last
        case none
    }

    /// How the label column is read: class indices (`labels`) or float values (`targets`).
    public enum LabelKind: Equatable {
        case classIndex
        case value
    }

    /// Numeric mode: every column except the label column is a feature.
    public struct NumericOptions {
        public var label: Column
        public var labelKind: LabelKind
        /// nil: a header is assumed when the first row holds a cell that is not a number.
        public var hasHeader: Bool?

        public init(label: Column = .last, labelKind: LabelKind = .classIndex, hasHeader: Bool? = nil) {
            self.label = label
            self.labelKind = labelKind
            self.hasHeader = hasHeader
        }
    }

    /// Text mode: `text` is tokenized into `length` token ids; `label` holds integer classes.
    public struct TextOptions {
        public var text: Column
        public var label: Column
        /// Largest vocabulary, `<pad>` and `<unk>` included.
        public var vocab: Int
        /// Tokens per sample: longer texts are cut, shorter ones padded with 0.
        public var length: Int
        /// A vocabulary from training, reused as is (eval / predict); nil builds one from the file.
        public var vocabulary: [String]?
        /// nil: a header is assumed when the first row's label cell is not an integer.
        public var hasHeader: Bool?

        public init(text: Column = .name("text"), label: Column = .name("label"), vocab: Int, length: Int,
                    vocabulary: [String]? = nil, hasHeader: Bool? = nil) {
            self.text = text
            self.label = label
            self.vocab = vocab
            self.length = length
            self.vocabulary = vocabulary
            self.hasHeader = hasHeader
        }
    }

    public static func readNumeric(path: String, options: NumericOptions = NumericOptions()) throws -> Dataset {
        try parseNumeric(data: FileBytes.readMaybeGzip(path), name: path, options: options)
    }

    public static func readText(path: String, options: TextOptions) throws -> Dataset {
        try parseText(data: FileBytes.readMaybeGzip(path), name: path, options: options)
    }

    /// Numeric CSV bytes -> `[features]` float samples plus labels or targets.
    public static func parseNumeric(data: [UInt8], name: String, options: NumericOptions = NumericOptions()) throws -> Dataset {
        var records = try CSVRecords.parse(data, name: name)
        guard let first = records.first else { throw DataError(file: name, message: "no rows") }
        let header = options.hasHeader ?? first.fields.contains { parseFloat($0) == nil }
        let names = header ? first.fields.map(trimmed) : nil
        if header { records.removeFirst() }
        let width = first.fields.count
        let labelIndex = try resolve(options.label, names: names, width: width, name: name, role: "label")
        guard !records.isEmpty else { throw DataError(file: name, message: "no data rows after the header") }
        let featureCount = width - (labelIndex == nil ? 0 : 1)
        guard featureCount > 0 else { throw DataError(file: name, message: "no feature columns") }

        var values: [Float] = []
        values.reserveCapacity(records.count * featureCount)
        var labels: [Int32] = []
        var targets: [Float] = []
        for record in records {
            try checkWidth(record, width: width, name: name)
            for (column, cell) in record.fields.enumerated() {
                guard let value = parseFloat(cell) else {
                    throw DataError(file: name, message:
                        "line \(record.line), column \(column + 1): '\(clip(cell))' is not a number")
                }
                if column != labelIndex {
                    values.append(value)
                } else if options.labelKind == .value {
                    targets.append(value)
                } else {
                    labels.append(try classLabel(cell, value: value, line: record.line, name: name))
                }
            }
        }
        let hasLabel = labelIndex != nil
        return Dataset(sampleShape: [featureCount], count: records.count, values: .float(values),
                       labels: hasLabel && options.labelKind == .classIndex ? labels : nil,
                       targets: hasLabel && options.labelKind == .value ? targets : nil,
                       targetWidth: hasLabel && options.labelKind == .value ? 1 : 0)
    }

    /// Text CSV bytes -> `[length]` token-id samples (as Float), labels, and the vocabulary used.
    public static func parseText(data: [UInt8], name: String, options: TextOptions) throws -> Dataset {
        guard options.length > 0 else { throw DataError(file: name, message: "text length must be positive") }
        guard options.vocabulary != nil || options.vocab > 2 else {
            throw DataError(file: name, message: "vocab must exceed 2 (<pad> and <unk> take ids 0 and 1)")
        }
        var records = try CSVRecords.parse(data, name: name)
        guard let first = records.first else { throw DataError(file: name, message: "no rows") }
        let width = first.fields.count
        let header: Bool
        if let given = options.hasHeader {
            header = given
        } else if case .name = options.label {
            header = true
        } else if case .name = options.text {
            header = true
        } else {
            let probe = try resolve(options.label, names: nil, width: width, name: name, role: "label")
            header = probe.map { Int(trimmed(first.fields[$0])) == nil } ?? false
        }
        let names = header ? first.fields.map(trimmed) : nil
        if header { records.removeFirst() }
        guard let textIndex = try resolve(options.text, names: names, width: width, name: name, role: "text") else {
            throw DataError(file: name, message: "text mode needs a text column")
        }
        let labelIndex = try resolve(options.label, names: names, width: width, name: name, role: "label")
        guard !records.isEmpty else { throw DataError(file: name, message: "no data rows after the header") }

        var tokenized: [[String]] = []
        tokenized.reserveCapacity(records.count)
        var labels: [Int32] = []
        for record in records {
            try checkWidth(record, width: width, name: name)
            tokenized.append(TextVocabulary.tokenize(record.fields[textIndex]))
            if let labelIndex {
                let cell = record.fields[labelIndex]
                guard let value = parseFloat(cell) else {
                    throw DataError(file: name, message:
                        "line \(record.line), column \(labelIndex + 1): label '\(clip(cell))' is not a number")
                }
                labels.append(try classLabel(cell, value: value, line: record.line, name: name))
            }
        }
        let vocabulary = options.vocabulary ?? TextVocabulary.build(from: tokenized, size: options.vocab)
        var index: [String: Int] = [:]
        for (id, token) in vocabulary.enumerated() where id >= 2 { index[token] = id }
        var values: [Float] = []
        values.reserveCapacity(records.count * options.length)
        for tokens in tokenized {
            TextVocabulary.encode(tokens, index: index, length: options.length, into: &values)
        }
        return Dataset(sampleShape: [options.length], count: records.count, values: .float(values),
                       labels: labelIndex == nil ? nil : labels, vocabulary: vocabulary)
    }

    // MARK: - Cells

    static func trimmed(_ cell: String) -> String {
        String(cell.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }

    /// A finite decimal number, surrounding blanks allowed ("nan" and "inf" are refused).
    static func parseFloat(_ cell: String) -> Float? {
        let text = trimmed(cell)
        guard !text.isEmpty, let value = Float(text), value.isFinite else { return nil }
        return value
    }

    static func classLabel(_ cell: String, value: Float, line: Int, name: String) throws -> Int32 {
        guard value == value.rounded(), abs(value) < 2_147_483_648 else {
            throw DataError(file: name, message: "line \(line): label '\(clip(cell))' is not an integer class")
        }
        return Int32(value)
    }

    static func checkWidth(_ record: CSVRecord, width: Int, name: String) throws {
        guard record.fields.count == width else {
            throw DataError(file: name, message:
                "line \(record.line): has \(record.fields.count) columns, expected \(width) like the first row")
        }
    }

    static func resolve(_ column: Column, names: [String]?, width: Int, name: String, role: String) throws -> Int? {
        switch column {
        case .none:
            return nil
        case .last:
            return width - 1
        case .index(let index):
            guard (0..<width).contains(index) else {
                throw DataError(file: name, message: "\(role) column index \(index) is outside 0..<\(width)")
            }
            return index
        case .name(let wanted):
            guard let names else {
                throw DataError(file: name, message: "\(role) column '\(wanted)' named, but the file has no header row")
            }
            guard let index = names.firstIndex(of: wanted) else {
                throw DataError(file: name, message:
                    "no \(role) column '\(wanted)' in the header (columns: \(names.joined(separator: ", ")))")
            }
            return index
        }
    }

    static func clip(_ cell: String) -> String {
        cell.count > 24 ? String(cell.prefix(24)) + "..." : cell
    }
}
