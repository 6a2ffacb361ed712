import DLTConfig
import DLTData
@testable import DLTTrain
import Foundation
import Testing

/// Each data format reads its `data:` split and `dlt eval --data` files (DataFormats/), and
/// `dlt predict` picks its reader by file name.
@Suite struct DataFormatTests {
    private let directory: String = {
        let path = NSTemporaryDirectory() + "dlt-format-tests-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    private func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = directory + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A config with `data` (YAML flow mapping) and a model of `input` and two outputs.
    private func reader(data: String, input: String) throws -> SourceReader {
        let config = try ModelConfig.parse(text: """
            data: \(data)
            model: {input: \(input), layers: [{flatten: {}}, {dense: {units: 2, activation: softmax}}]}
            """, file: directory + "/c.yaml")
        return SourceReader(config: config, data: try #require(config.data), vocabulary: nil)
    }

    private func bigEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (24 - 8 * $0)) & 0xff) } }

    @Test func idxSplitReadsImagesAndLabelsRelativeToTheConfig() throws {
        _ = try write("i.idx", bigEndian(0x803) + bigEndian(2) + bigEndian(1) + bigEndian(2) + [1, 2, 3, 4])
        _ = try write("l.idx", bigEndian(0x801) + bigEndian(2) + [1, 0])
        let source = try reader(data: "{format: idx, train: {images: i.idx, labels: l.idx}}", input: "[1, 1, 2]")
        let dataset = try source.read(try #require(source.data.train))
        #expect(dataset.count == 2 && dataset.labels == [1, 0])
        #expect(source.data.train?.displayName == "i.idx" && source.data.train?.labelsFile == "l.idx")
    }

    @Test func cifarSplitReadsEveryBatchFile() throws {
        let sample: [UInt8] = [7] + [UInt8](repeating: 9, count: 3 * 32 * 32)
        let first = try write("a.bin", sample), second = try write("b.bin", sample + sample)
        let source = try reader(data: "{format: cifar10, train: {files: [\(first), \(second)]}}", input: "[3, 32, 32]")
        let dataset = try source.read(try #require(source.data.train))
        #expect(dataset.count == 3 && dataset.labels == [7, 7, 7])
        #expect(try source.readFiles([second]).count == 2)
    }

    @Test func csvFilesFromTheCommandLineKeepTheSplitsColumns() throws {
        let train = try write("train.csv", Array("y,a,b\n1,0.5,2\n0,1,3\n".utf8))
        let other = try write("other.csv", Array("y,a,b\n1,4,5\n".utf8))
        let source = try reader(data: "{format: csv, train: {path: \(train), label_column: y}}", input: "[2]")
        #expect(try source.read(try #require(source.data.train)).labels == [1, 0])
        let files = try source.readFiles([other])
        #expect(files.labels == [1] && files.values.count == 2)
    }

    @Test func npyLabelsMustBeWholeNumbersAndEvalMayLeaveThemOut() throws {
        let inputs = directory + "/x.npy", labels = directory + "/y.npy"
        try NPYWriter.write([1, 2, 3, 4], shape: [2, 2], to: inputs)
        try NPYWriter.write([1, 0], shape: [2], to: labels)
        let source = try reader(data: "{format: npy, train: {inputs: \(inputs), labels: \(labels)}}", input: "[2]")
        #expect(try source.read(try #require(source.data.train)).labels == [1, 0])
        #expect(try source.readFiles([inputs]).labels == nil)
    }

    @Test func evalFilesOfTheWrongCountAreBadUsage() throws {
        func usageMessage(_ body: () throws -> Dataset) -> String? {
            do { _ = try body() } catch let error as UsageError { return error.message } catch { return nil }
            return nil
        }
        let idx = try reader(data: "{format: idx, train: {images: a, labels: b}}", input: "[1, 1, 2]")
        #expect(usageMessage { try idx.readFiles(["a", "b", "c"]) } == "--data for format idx takes IMAGES [LABELS], got 3 files")
        let csv = try reader(data: "{format: csv, train: {path: a.csv}}", input: "[2]")
        #expect(usageMessage { try csv.readFiles(["a.csv", "b.csv"]) } == "--data for format csv takes one PATH, got 2 files")
    }

    @Test(arguments: [("digit.PNG", "ImageFiles"), ("digit.pgm", "ImageFiles"), ("x.npy", "NPYSource"),
                      ("rows.CSV", "CSVSource"), ("t10k-images-idx3-ubyte.gz", "IDXSource"), ("images", "IDXSource")])
    func predictPicksTheReaderByFileName(path: String, reader: String) throws {
        let chosen = try #require(PredictionInputs.readers.first { $0.recognizes(path) })
        #expect(String(describing: chosen).hasSuffix(reader))
    }
}
