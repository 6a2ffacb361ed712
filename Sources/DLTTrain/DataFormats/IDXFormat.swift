import DLTConfig
import DLTData

/// idx: IDX image files (gzipped or not) with optional labels; also `dlt predict`'s reader for
/// any file that no other format recognises, since IDX files carry no standard extension.
extension DataConfig.IDXSource: DataSourceReading, PredictionInputReading {
    func read(_ context: SourceReader) throws -> Dataset {
        try IDXReader.read(images: context.resolve(images), labels: labels.map(context.resolve))
    }

    func replacingFiles(with files: [String]) throws -> Self {
        try DataConfig.Format.idx.checkFileCount(files, 1...2, usage: "IMAGES [LABELS]")
        return Self(images: files[0], labels: files.count > 1 ? files[1] : nil)
    }

    var samplesFile: String { images }
    var labelsFile: String? { labels }

    static func recognizes(_ path: String) -> Bool { true }

    static func readPredictionInput(_ path: String, model: TrainedModel) throws -> Dataset {
        try IDXReader.read(images: path, labels: nil)
    }
}
