import DLTData

/// PNG and PGM images: `dlt predict` inputs for image models (not a `data:` format).
enum ImageFiles: PredictionInputReading {
    static func recognizes(_ path: String) -> Bool {
        let lower = path.lowercased()
        return lower.hasSuffix(".png") || lower.hasSuffix(".pgm")
    }

    static func readPredictionInput(_ path: String, model: TrainedModel) throws -> Dataset {
        let input = model.config.input
        guard input.count == 3 else {
            throw DataError(file: path, message: "the model takes \(input) vectors, not images")
        }
        let image = try ImageReader.read(path: path, channels: input[0])
        guard image.height == input[1], image.width == input[2] else {
            throw DataError(file: path, message: "the image is \(image.width)x\(image.height) but the model takes \(input[2])x\(input[1]) images")
        }
        return Dataset(sampleShape: [image.channels, image.height, image.width], count: 1, values: .uint8(image.pixels))
    }
}
