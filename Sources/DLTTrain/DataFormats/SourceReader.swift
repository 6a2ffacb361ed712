import DLTConfig
import DLTData
import Foundation

/// How dlt reads one data format: a `data:` split, or the files `dlt eval --data` names. The
/// format's config keys are DLTConfig's (DataSources.swift); its reader is the conformance in
/// this folder, one file per format.
protocol DataSourceReading {
    /// Reads the split; `context` resolves its paths and holds the config and the vocabulary.
    func read(_ context: SourceReader) throws -> Dataset
    /// The same split settings (csv columns) over `dlt eval --data FILES`.
    func replacingFiles(with files: [String]) throws -> Self
    /// The file the samples come from, for messages.
    var samplesFile: String { get }
    /// The file the labels come from when it is not the samples' file.
    var labelsFile: String? { get }
}

extension DataConfig.Source {
    /// Every format's reader: one line per format, checked by the compiler.
    var reading: any DataSourceReading {
        switch self {
        case .idx(let source): return source
        case .cifar10(let source): return source
        case .csv(let source): return source
        case .npy(let source): return source
        }
    }

    /// The file a split is read from, for error messages.
    var displayName: String { reading.samplesFile }
    var labelsFile: String? { reading.labelsFile }
}

/// Reads data files in the config's format: a `data:` split, or files named on the command line.
struct SourceReader {
    let config: ModelConfig
    let data: DataConfig
    /// For text CSV: the vocabulary to use instead of building one from this source.
    let vocabulary: [String]?

    func read(_ source: DataConfig.Source) throws -> Dataset {
        try source.reading.read(self)
    }

    /// Files from `dlt eval --data`, read with the settings of the config's test (else train) split.
    func readFiles(_ files: [String]) throws -> Dataset {
        guard let template = data.test ?? data.train else {
            throw UsageError("the config has no data split to read --data files like")
        }
        return try template.reading.replacingFiles(with: files).read(self)
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

extension DataConfig.Format {
    /// `dlt eval --data` must name as many files as the format reads (`usage`: "IMAGES [LABELS]").
    func checkFileCount(_ files: [String], _ counts: ClosedRange<Int>, usage: String) throws {
        guard counts.contains(files.count) else {
            throw UsageError("--data for format \(rawValue) takes \(usage), got \(files.count) file\(files.count == 1 ? "" : "s")")
        }
    }
}
