import Yams

// The config side of each data format: the keys of one split (`data.train`, `data.test`,
// `data.validation`) and their checks. The reading side, which turns a split into samples, is
// in Sources/DLTTrain/DataFormats/ (docs/config.md, "Adding a data format").

extension DataConfig {
    /// idx: `images` (IDX, `.gz` allowed) and `labels`. Labels are optional: an autoencoder
    /// (mse on the image itself) needs images only.
    public struct IDXSource: Equatable, Sendable {
        public static let keys = ["images", "labels"]
        public let images: String
        public let labels: String?

        public init(images: String, labels: String?) {
            self.images = images
            self.labels = labels
        }

        init(_ split: MappingReader) throws {
            try split.checkKeys(allowed: Self.keys)
            self.init(images: try split.path("images"), labels: try split.optionalPath("labels"))
        }
    }

    /// cifar10: `files`, the binary batch files (a list, or one).
    public struct CIFAR10Source: Equatable, Sendable {
        public static let keys = ["files"]
        public let files: [String]

        public init(files: [String]) { self.files = files }

        init(_ split: MappingReader) throws {
            try split.checkKeys(allowed: Self.keys)
            let reader = split.reader
            let filesNode = try split.required("files", "a list of CIFAR-10 binary batch files")
            let items = try reader.sequenceOrScalar(filesNode, split.what("files"))
            guard !items.isEmpty else { throw reader.error(filesNode, "\(split.what("files")) is empty; list at least one batch file") }
            self.init(files: try items.map { try reader.string($0, "\(split.what("files")) entries") })
        }
    }

    /// csv: `path`, `label_column` (default: the last column for numbers, `label` for text) and
    /// `text_column` (when set, the file is text turned into token ids; then the data section
    /// needs `vocab` and `length`, the csv-only `sectionKeys`).
    public struct CSVSource: Equatable, Sendable {
        public static let keys = ["path", "label_column", "text_column"]
        /// Keys of the data section itself that only csv text reads.
        public static let sectionKeys = ["vocab", "length"]
        public let path: String
        public let labelColumn: Column?
        public let textColumn: Column?

        public init(path: String, labelColumn: Column?, textColumn: Column?) {
            self.path = path
            self.labelColumn = labelColumn
            self.textColumn = textColumn
        }

        init(_ split: MappingReader) throws {
            try split.checkKeys(allowed: Self.keys)
            self.init(path: try split.path("path"), labelColumn: try split.column("label_column"),
                      textColumn: try split.column("text_column"))
        }

        /// `vocab` and `length` from the data section: refused for other formats, required when a
        /// split is text.
        static func textSettings(_ data: MappingReader, format: DataConfig.Format,
                                 splits: [DataConfig.Source?]) throws -> (vocab: Int?, length: Int?) {
            let vocab = try data.int("vocab", atLeast: 1)
            let length = try data.int("length", atLeast: 1)
            if format != .csv {
                for key in sectionKeys where data.node(key) != nil {
                    throw data.reader.error(data.node(key), "data: \(key) applies only to csv text data (format: csv with text_column)")
                }
            }
            let usesText = splits.contains { if case .csv(let csv)? = $0 { csv.textColumn != nil } else { false } }
            if usesText, vocab == nil || length == nil {
                throw ConfigError(file: data.reader.file, location: data.location,
                                  message: "data: csv text (text_column) needs 'vocab' (vocabulary size) and 'length' (tokens per sample)")
            }
            return (vocab, length)
        }
    }

    /// npy: `inputs` (samples, features...) and `labels` (samples) or targets (samples, outputs...).
    /// A config needs both; `dlt eval --data INPUTS` may leave the labels out.
    public struct NPYSource: Equatable, Sendable {
        public static let keys = ["inputs", "labels"]
        public let inputs: String
        public let labels: String?

        public init(inputs: String, labels: String?) {
            self.inputs = inputs
            self.labels = labels
        }

        init(_ split: MappingReader) throws {
            try split.checkKeys(allowed: Self.keys)
            self.init(inputs: try split.path("inputs"), labels: try split.path("labels"))
        }
    }
}

extension DataConfig.Source {
    /// Reads one split in `format`; its keys are checked against that format's.
    init(_ split: MappingReader, format: DataConfig.Format) throws {
        switch format {
        case .idx: self = .idx(try DataConfig.IDXSource(split))
        case .cifar10: self = .cifar10(try DataConfig.CIFAR10Source(split))
        case .csv: self = .csv(try DataConfig.CSVSource(split))
        case .npy: self = .npy(try DataConfig.NPYSource(split))
        }
    }
}

extension MappingReader {
    func path(_ key: String) throws -> String {
        try reader.string(try required(key, "a file path"), what(key))
    }

    func optionalPath(_ key: String) throws -> String? {
        guard let node = node(key) else { return nil }
        return try reader.string(node, what(key))
    }

    /// A CSV column: an integer is a 0-based index, anything else a header name.
    func column(_ key: String) throws -> DataConfig.Column? {
        guard let node = try value(key) else { return nil }
        if node.resolvedTagName == .int { return .index(try reader.int(node, what(key), atLeast: 0)) }
        return .name(try reader.string(node, what(key)))
    }
}
