import Yams

/// `data:` — where the samples come from and how they are prepared.
public struct DataConfig {
    public enum Format: String, CaseIterable, Sendable {
        case idx, cifar10, csv, npy
    }

    /// A CSV column given by header name or by 0-based index.
    public enum Column: Equatable, Sendable {
        case name(String)
        case index(Int)
    }

    /// One split's files. Which fields are set depends on the format:
    /// idx: `images` + `labels`; cifar10: `files`; csv: `path` (+ columns); npy: `inputs` + `labels`.
    public struct Source {
        public let images: String?
        public let labels: String?
        public let files: [String]?
        public let path: String?
        public let inputs: String?
        /// csv: the label column (default: the last column for numeric CSV, `label` for text CSV).
        public let labelColumn: Column?
        /// csv: the text column; when set, the CSV is text turned into token ids.
        public let textColumn: Column?
        public let location: SourceLocation
    }

    /// `normalize: {scale: 255}` divides by scale; `{mean: [...], std: [...]}` gives (x − mean) / std per channel.
    public enum Normalize: Equatable, Sendable {
        case scale(Double)
        case meanStd(mean: [Double], std: [Double])
    }

    public let format: Format
    public let train: Source?
    public let test: Source?
    public let validation: Source?
    /// Fraction of training samples held out for validation, in (0, 1); exclusive with `validation`.
    public let validationSplit: Double?
    public let normalize: Normalize?
    public let classes: [String]?
    /// csv text: largest vocabulary (`<pad>` and `<unk>` included) and tokens per sample.
    public let vocab: Int?
    public let length: Int?
    public let location: SourceLocation

    static let keys = ["format", "train", "test", "validation", "validation_split", "normalize", "classes", "vocab", "length"]
}

/// Reads `data:`; split keys depend on the format, so `label_colum` in a csv split is caught.
struct DataConfigParser {
    let reader: ValueReader

    func parse(_ node: Node) throws -> DataConfig {
        let data = try MappingReader(node, section: "data", reader: reader)
        try data.checkKeys(allowed: DataConfig.keys)
        let formatNode = try data.required("format", "one of idx, cifar10, csv, npy")
        let formatName = try reader.choice(formatNode, "data: format", DataConfig.Format.allCases.map(\.rawValue), kind: "data format")
        let format = DataConfig.Format(rawValue: formatName)!
        let train = try data.value("train").map { try source($0, split: "train", format: format) }
        let test = try data.value("test").map { try source($0, split: "test", format: format) }
        let validation = try data.value("validation").map { try source($0, split: "validation", format: format) }
        let split = try data.double("validation_split", "between 0 and 1 (exclusive)", { $0 > 0 && $0 < 1 })
        if split != nil, validation != nil {
            throw reader.error(data.node("validation_split"), "data: give either validation_split or validation, not both")
        }
        if train == nil {
            throw ConfigError(file: reader.file, location: data.location, message: "data is missing the required key 'train' (the training files)")
        }
        let vocab = try data.int("vocab", atLeast: 1)
        let length = try data.int("length", atLeast: 1)
        if format != .csv {
            for key in ["vocab", "length"] where data.node(key) != nil {
                throw reader.error(data.node(key), "data: \(key) applies only to csv text data (format: csv with text_column)")
            }
        }
        let usesText = [train, test, validation].contains { $0?.textColumn != nil }
        if usesText, vocab == nil || length == nil {
            throw ConfigError(file: reader.file, location: data.location,
                              message: "data: csv text (text_column) needs 'vocab' (vocabulary size) and 'length' (tokens per sample)")
        }
        return DataConfig(format: format, train: train, test: test, validation: validation, validationSplit: split,
                          normalize: try data.value("normalize").map(normalize), classes: try data.value("classes").map(classes),
                          vocab: vocab, length: length, location: data.location ?? SourceLocation(line: 1, column: 1))
    }

    private func source(_ node: Node, split: String, format: DataConfig.Format) throws -> DataConfig.Source {
        let section = "data.\(split)"
        let source = try MappingReader(node, section: section, reader: reader)
        let location = source.location ?? SourceLocation(line: 1, column: 1)
        switch format {
        case .idx:
            try source.checkKeys(allowed: ["images", "labels"])
            // Labels are optional: an autoencoder (mse on the image itself) needs images only.
            return .init(images: try path(source, "images"), labels: try optionalPath(source, "labels"), files: nil, path: nil,
                         inputs: nil, labelColumn: nil, textColumn: nil, location: location)
        case .npy:
            try source.checkKeys(allowed: ["inputs", "labels"])
            return .init(images: nil, labels: try path(source, "labels"), files: nil, path: nil,
                         inputs: try path(source, "inputs"), labelColumn: nil, textColumn: nil, location: location)
        case .cifar10:
            try source.checkKeys(allowed: ["files"])
            let filesNode = try source.required("files", "a list of CIFAR-10 binary batch files")
            let items = try reader.sequenceOrScalar(filesNode, "\(section): files")
            guard !items.isEmpty else { throw reader.error(filesNode, "\(section): files is empty; list at least one batch file") }
            return .init(images: nil, labels: nil, files: try items.map { try reader.string($0, "\(section): files entries") },
                         path: nil, inputs: nil, labelColumn: nil, textColumn: nil, location: location)
        case .csv:
            try source.checkKeys(allowed: ["path", "label_column", "text_column"])
            return .init(images: nil, labels: nil, files: nil, path: try path(source, "path"), inputs: nil,
                         labelColumn: try source.value("label_column").map { try column($0, "\(section): label_column") },
                         textColumn: try source.value("text_column").map { try column($0, "\(section): text_column") },
                         location: location)
        }
    }

    private func path(_ source: MappingReader, _ key: String) throws -> String {
        try reader.string(try source.required(key, "a file path"), source.what(key))
    }

    private func optionalPath(_ source: MappingReader, _ key: String) throws -> String? {
        guard let node = source.node(key) else { return nil }
        return try reader.string(node, source.what(key))
    }

    private func column(_ node: Node, _ what: String) throws -> DataConfig.Column {
        if node.resolvedTagName == .int { return .index(try reader.int(node, what, atLeast: 0)) }
        return .name(try reader.string(node, what))
    }

    private func normalize(_ node: Node) throws -> DataConfig.Normalize {
        let options = try MappingReader(node, section: "data.normalize", reader: reader)
        try options.checkKeys(allowed: ["scale", "mean", "std"])
        if let scale = try options.double("scale", "> 0", { $0 > 0 }) {
            if let other = options.node("mean") ?? options.node("std") {
                throw reader.error(other, "data.normalize: give either scale or mean and std, not both")
            }
            return .scale(scale)
        }
        let meanNode = try options.required("mean", "per-channel means, e.g. [0.5]; or give scale")
        let stdNode = try options.required("std", "per-channel standard deviations, e.g. [0.25]")
        let mean = try reader.sequenceOrScalar(meanNode, "data.normalize: mean").map { try reader.double($0, "data.normalize: mean entries") }
        let std = try reader.sequenceOrScalar(stdNode, "data.normalize: std").map {
            try reader.double($0, "data.normalize: std entries", "> 0", { $0 > 0 })
        }
        guard !mean.isEmpty, mean.count == std.count else {
            throw reader.error(stdNode, "data.normalize: mean and std need the same number of entries (one per channel), got \(mean.count) and \(std.count)")
        }
        return .meanStd(mean: mean, std: std)
    }

    private func classes(_ node: Node) throws -> [String] {
        let items = try reader.sequence(node, "data: classes")
        guard !items.isEmpty else { throw reader.error(node, "data: classes is empty; list the class names or remove it") }
        var seen: Set<String> = []
        return try items.map { item in
            let name = try reader.string(item, "data: classes entries")
            guard seen.insert(name).inserted else { throw reader.error(item, "data: class name '\(name)' is listed twice") }
            return name
        }
    }
}
