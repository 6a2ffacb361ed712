import DLTConfig
import DLTData
import Foundation

/// Reads data files in the config's format: a `data:` split, or files named on the command line.
struct SourceReader {
    let config: ModelConfig
    let data: DataConfig
    /// For text CSV: the vocabulary to use instead of building one from this source.
    let vocabulary: [String]?

    func read(_ source: DataConfig.Source, role: String) throws -> Dataset {
        switch data.format {
        case .idx:
            guard let images = source.images else { throw missing("images", role) }
            return try IDXReader.read(images: resolve(images), labels: source.labels.map(resolve))
        case .cifar10:
            return try CIFAR10Reader.read(files: (source.files ?? []).map(resolve))
        case .csv:
            guard let path = source.path else { throw missing("path", role) }
            return try readCSV(resolve(path), label: source.labelColumn, text: source.textColumn)
        case .npy:
            guard let inputs = source.inputs else { throw missing("inputs", role) }
            return try readNPY(inputs: resolve(inputs), labels: source.labels.map(resolve))
        }
    }

    /// Files from `dlt eval --data`: idx IMAGES [LABELS]; cifar10 FILES...; csv PATH; npy INPUTS [LABELS].
    func readFiles(_ files: [String]) throws -> Dataset {
        let split = data.test ?? data.train
        switch data.format {
        case .idx: return try IDXReader.read(images: files[0], labels: files.count > 1 ? files[1] : nil)
        case .cifar10: return try CIFAR10Reader.read(files: files)
        case .csv: return try readCSV(files[0], label: split?.labelColumn, text: split?.textColumn)
        case .npy: return try readNPY(inputs: files[0], labels: files.count > 1 ? files[1] : nil)
        }
    }

    private func readCSV(_ path: String, label: DataConfig.Column?, text: DataConfig.Column?) throws -> Dataset {
        if let text {
            var options = CSVReader.TextOptions(text: column(text), label: label.map(column) ?? .name("label"),
                                                vocab: data.vocab ?? 10000, length: data.length ?? config.input.first ?? 1)
            options.vocabulary = vocabulary
            return try CSVReader.readText(path: path, options: options)
        }
        return try CSVReader.readNumeric(path: path, options: CSVReader.NumericOptions(label: label.map(column) ?? .last))
    }

    private func readNPY(inputs: String, labels: String?) throws -> Dataset {
        let (shape, values) = try NPYReader.read(path: inputs)
        guard shape.count >= 2, let count = shape.first, count > 0 else {
            throw DataError(file: inputs, message: "the array has shape \(shape); dlt needs (samples, features...) with at least one sample")
        }
        var dataset = Dataset(sampleShape: Array(shape.dropFirst()), count: count, values: values)
        guard let labels else { return dataset }
        let (labelShape, labelValues) = try NPYReader.read(path: labels)
        guard labelShape.first == count else {
            throw DataError(file: labels, message: "\(labelShape.first ?? 0) labels for \(count) samples in \(inputs)")
        }
        if labelShape.count == 1 {
            var ints: [Int32] = []
            ints.reserveCapacity(count)
            for i in 0..<count {
                let v = labelValues[i]
                guard v.isFinite, v == v.rounded(), abs(v) < 1e9 else {
                    throw DataError(file: labels, message: "label \(v) of sample \(i) is not a whole number")
                }
                ints.append(Int32(v))
            }
            dataset.labels = ints
        } else {
            dataset.targets = (0..<labelValues.count).map { labelValues[$0] }
            dataset.targetWidth = labelValues.count / count
        }
        return dataset
    }

    private func column(_ c: DataConfig.Column) -> CSVReader.Column {
        switch c {
        case .name(let name): return .name(name)
        case .index(let index): return .index(index)
        }
    }

    private func missing(_ key: String, _ role: String) -> ConfigError {
        ConfigError(file: config.file, location: config.location(ofKeyPath: "data.\(role)"),
                    message: "data.\(role) needs '\(key)' for format \(data.format.rawValue)")
    }

    /// Paths are taken as given (relative to the working directory); a relative path that does
    /// not exist there is tried next to the config file.
    func resolve(_ path: String) -> String {
        if path.hasPrefix("/") || FileManager.default.fileExists(atPath: path) { return path }
        let besideConfig = (config.file as NSString).deletingLastPathComponent
        let candidate = besideConfig.isEmpty ? path : besideConfig + "/" + path
        return FileManager.default.fileExists(atPath: candidate) ? candidate : path
    }
}

extension DataConfig.Source {
    /// The file a split is read from, for error messages.
    var displayName: String { images ?? path ?? inputs ?? files?.first ?? "data" }
}
