import DLTConfig
import DLTData

/// A kind of file `dlt predict` reads, recognised by its name.
protocol PredictionInputReading {
    static func recognizes(_ path: String) -> Bool
    /// The file's samples (any shape with the model input's element count).
    static func readPredictionInput(_ path: String, model: TrainedModel) throws -> Dataset
}

/// Reads `dlt predict` inputs into one dataset of the model's input shape: PNG and PGM images,
/// .npy arrays (N x input, or one sample), CSV rows, IDX image files (.gz or not).
public enum PredictionInputs {
    /// The first reader that recognises a file reads it; IDX, last, takes any other name.
    static let readers: [any PredictionInputReading.Type] = [
        ImageFiles.self, DataConfig.NPYSource.self, DataConfig.CSVSource.self, DataConfig.IDXSource.self,
    ]

    public static func load(_ paths: [String], model: TrainedModel) throws -> (dataset: Dataset, names: [String]) {
        let input = model.config.input
        let inputCount = input.reduce(1, *)
        var values: [Float] = []
        var names: [String] = []
        for path in paths {
            guard let reader = readers.first(where: { $0.recognizes(path) }) else {
                throw DataError(file: path, message: "not a file dlt predict reads (IDX, CSV, .npy, PNG, PGM)")
            }
            let samples = try reader.readPredictionInput(path, model: model)
            guard samples.sampleSize == inputCount else {
                throw DataError(file: path, message: "samples have shape \(samples.sampleShape) but the model input is \(input)")
            }
            for i in 0..<samples.count {
                values.append(contentsOf: (i * inputCount..<(i + 1) * inputCount).map { samples.values[$0] })
                names.append(samples.count == 1 ? path : "\(path)#\(i)")
            }
        }
        guard !names.isEmpty else { throw UsageError("no inputs to predict") }
        return (Dataset(sampleShape: input, count: names.count, values: .float(values)), names)
    }
}
