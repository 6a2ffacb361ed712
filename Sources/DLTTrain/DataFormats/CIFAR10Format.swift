import DLTConfig
import DLTData

/// cifar10: CIFAR-10 binary batch files (a label byte, then 3x32x32 pixels, per sample).
extension DataConfig.CIFAR10Source: DataSourceReading {
    func read(_ context: SourceReader) throws -> Dataset {
        try CIFAR10Reader.read(files: files.map(context.resolve))
    }

    func replacingFiles(with files: [String]) throws -> Self {
        try DataConfig.Format.cifar10.checkFileCount(files, 1...Int.max, usage: "one or more batch FILES")
        return Self(files: files)
    }

    var samplesFile: String { files.first ?? "data" }
    var labelsFile: String? { nil }
}
