import DLTConfig
import DLTData

/// npy: float arrays (samples, features...) with labels (samples) or targets (samples, outputs...);
/// also `dlt predict`'s reader for `.npy` files (N samples of the model input, or one).
extension DataConfig.NPYSource: DataSourceReading, PredictionInputReading {
    func read(_ context: SourceReader) throws -> Dataset {
        try NPYReader.readDataset(values: context.resolve(inputs), labels: labels.map(context.resolve))
    }

    func replacingFiles(with files: [String]) throws -> Self {
        try DataConfig.Format.npy.checkFileCount(files, 1...2, usage: "INPUTS [LABELS]")
        return Self(inputs: files[0], labels: files.count > 1 ? files[1] : nil)
    }

    var samplesFile: String { inputs }
    var labelsFile: String? { labels }

    static func recognizes(_ path: String) -> Bool { path.lowercased().hasSuffix(".npy") }

    static func readPredictionInput(_ path: String, model: TrainedModel) throws -> Dataset {
        let input = model.config.input
        let inputCount = input.reduce(1, *)
        let (shape, array) = try NPYReader.read(path: path)
        let total = shape.reduce(1, *)
        guard total > 0, total % inputCount == 0 else {
            throw DataError(file: path, message: "an array of shape \(shape) does not hold samples of the model's input \(input)")
        }
        return Dataset(sampleShape: input, count: total / inputCount, values: array)
    }
}
