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

    /// One split's files, in one case per format (DataSources.swift holds each format's keys).
    public enum Source: Equatable, Sendable {
        case idx(IDXSource)
        case cifar10(CIFAR10Source)
        case csv(CSVSource)
        case npy(NPYSource)
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
    /// Training-batch image transforms, in order (AugmentConfig.swift); empty without `augment`.
    public let augment: [AugmentStep]
    public let location: SourceLocation

    static let keys = ["format", "train", "test", "validation", "validation_split", "normalize", "classes", "augment"]
        + CSVSource.sectionKeys
}

/// Reads `data:`; split keys depend on the format, so `label_colum` in a csv split is caught.
struct DataConfigParser {
    let reader: ValueReader
    /// `model.input`, which augmentation is checked against.
    let input: [Int]

    func parse(_ node: Node) throws -> DataConfig {
        let data = try MappingReader(node, section: "data", reader: reader)
        try data.checkKeys(allowed: DataConfig.keys)
        let formatNames = DataConfig.Format.allCases.map(\.rawValue)
        let formatNode = try data.required("format", "one of " + formatNames.joined(separator: ", "))
        let formatName = try reader.choice(formatNode, "data: format", formatNames, kind: "data format")
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
        let (vocab, length) = try DataConfig.CSVSource.textSettings(data, format: format, splits: [train, test, validation])
        var text: String?
        if case .csv(let csv)? = train, csv.textColumn != nil { text = "the data is text (csv text_column), not images; remove augment" }
        let augment = try data.value("augment").map { try AugmentParser(reader: reader, input: input, refusal: text).parse($0) } ?? []
        return DataConfig(format: format, train: train, test: test, validation: validation, validationSplit: split,
                          normalize: try data.value("normalize").map(normalize), classes: try data.value("classes").map(classes),
                          vocab: vocab, length: length, augment: augment, location: data.location ?? SourceLocation(line: 1, column: 1))
    }

    private func source(_ node: Node, split: String, format: DataConfig.Format) throws -> DataConfig.Source {
        try DataConfig.Source(try MappingReader(node, section: "data.\(split)", reader: reader), format: format)
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
