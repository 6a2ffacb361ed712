import DLTConfig
import DLTData
import Foundation

/// Reads `dlt predict` inputs into one dataset of the model's input shape: IDX image files
/// (.gz or not), CSV rows, .npy arrays (N x input, or one sample), PNG and PGM images.
public enum PredictionInputs {
    public static func load(_ paths: [String], model: TrainedModel) throws -> (dataset: Dataset, names: [String]) {
        let input = model.config.input
        let inputCount = input.reduce(1, *)
        var values: [Float] = []
        var names: [String] = []
        for path in paths {
            let lower = path.lowercased()
            let samples: Dataset
            if lower.hasSuffix(".png") || lower.hasSuffix(".pgm") {
                guard input.count == 3 else {
                    throw DataError(file: path, message: "the model takes \(input) vectors, not images")
                }
                let image = try ImageReader.read(path: path, channels: input[0])
                guard image.height == input[1], image.width == input[2] else {
                    throw DataError(file: path, message: "the image is \(image.width)x\(image.height) but the model takes \(input[2])x\(input[1]) images")
                }
                samples = Dataset(sampleShape: [image.channels, image.height, image.width], count: 1, values: .uint8(image.pixels))
            } else if lower.hasSuffix(".npy") {
                let (shape, array) = try NPYReader.read(path: path)
                let total = shape.reduce(1, *)
                guard total > 0, total % inputCount == 0 else {
                    throw DataError(file: path, message: "an array of shape \(shape) does not hold samples of the model's input \(input)")
                }
                samples = Dataset(sampleShape: input, count: total / inputCount, values: array)
            } else if lower.hasSuffix(".csv") {
                samples = try csv(path, model: model, inputCount: inputCount)
            } else {
                samples = try IDXReader.read(images: path, labels: nil)
            }
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

    private static func csv(_ path: String, model: TrainedModel, inputCount: Int) throws -> Dataset {
        let split = model.config.data?.train
        if let vocabulary = model.vocabulary, let text = split?.textColumn {
            let column: CSVReader.Column
            switch text {
            case .name(let n): column = .name(n)
            case .index(let i): column = .index(i)
            }
            var options = CSVReader.TextOptions(text: column, label: .none, vocab: vocabulary.count, length: inputCount)
            options.vocabulary = vocabulary
            return try CSVReader.readText(path: path, options: options)
        }
        // Rows of exactly the input's features; a trailing label column is ignored.
        let withoutLabel = try? CSVReader.readNumeric(path: path, options: .init(label: .none))
        if let d = withoutLabel, d.sampleSize == inputCount { return d }
        return try CSVReader.readNumeric(path: path, options: .init(label: .last))
    }
}
