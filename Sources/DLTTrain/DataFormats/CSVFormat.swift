import DLTConfig
import DLTData

/// csv: rows of numbers with a label column, or text (`text_column`) turned into token ids of
/// the config's `vocab` and `length`; also `dlt predict`'s reader for `.csv` files.
extension DataConfig.CSVSource: DataSourceReading, PredictionInputReading {
    func read(_ context: SourceReader) throws -> Dataset {
        let file = context.resolve(path)
        if let textColumn {
            let data = context.data, config = context.config
            var options = CSVReader.TextOptions(text: Self.readerColumn(textColumn),
                                                label: labelColumn.map(Self.readerColumn) ?? .name("label"),
                                                vocab: data.vocab ?? 10000, length: data.length ?? config.input.first ?? 1)
            options.vocabulary = context.vocabulary
            return try CSVReader.readText(path: file, options: options)
        }
        return try CSVReader.readNumeric(path: file, options: .init(label: labelColumn.map(Self.readerColumn) ?? .last))
    }

    func replacingFiles(with files: [String]) throws -> Self {
        try DataConfig.Format.csv.checkFileCount(files, 1...1, usage: "one PATH")
        return Self(path: files[0], labelColumn: labelColumn, textColumn: textColumn)
    }

    var samplesFile: String { path }
    var labelsFile: String? { nil }

    static func recognizes(_ path: String) -> Bool { path.lowercased().hasSuffix(".csv") }

    /// Text rows in the training split's text column, with the checkpoint's vocabulary; or rows
    /// of exactly the input's features, a trailing label column ignored.
    static func readPredictionInput(_ path: String, model: TrainedModel) throws -> Dataset {
        let inputCount = model.config.input.reduce(1, *)
        if let vocabulary = model.vocabulary, case .csv(let split)? = model.config.data?.train, let text = split.textColumn {
            var options = CSVReader.TextOptions(text: readerColumn(text), label: .none, vocab: vocabulary.count, length: inputCount)
            options.vocabulary = vocabulary
            return try CSVReader.readText(path: path, options: options)
        }
        let withoutLabel = try? CSVReader.readNumeric(path: path, options: .init(label: .none))
        if let samples = withoutLabel, samples.sampleSize == inputCount { return samples }
        return try CSVReader.readNumeric(path: path, options: .init(label: .last))
    }

    private static func readerColumn(_ column: DataConfig.Column) -> CSVReader.Column {
        switch column {
        case .name(let name): return .name(name)
        case .index(let index): return .index(index)
        }
    }
}
