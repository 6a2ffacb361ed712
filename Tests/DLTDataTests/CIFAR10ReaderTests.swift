import Foundation
import Testing
@testable import DLTData

@Suite struct CIFAR10ReaderTests {
    /// A record whose label is `label` and whose channel c pixels all equal `label * 10 + c`.
    func record(_ label: UInt8) -> [UInt8] {
        [label] + (0..<3).flatMap { channel in [UInt8](repeating: label * 10 + UInt8(channel), count: 1024) }
    }

    @Test func readsRecordsAsCHW() throws {
        let directory = try TestDirectory()
        let first = try directory.write("a.bin", record(3) + record(5))
        let second = try directory.write("b.bin", record(9))
        let dataset = try CIFAR10Reader.read(files: [first, second])
        #expect(dataset.count == 3)
        #expect(dataset.sampleShape == [3, 32, 32])
        #expect(dataset.labels == [3, 5, 9])
        // Sample 1, channel 2 (blue plane) starts at 3072 + 2048.
        #expect(dataset.values[3072 + 2048] == 52)
        #expect(dataset.values[3072 + 1023] == 50)
    }

    @Test func sizeMustBeAMultipleOfTheRecord() {
        let text = dataErrorText { try CIFAR10Reader.parse(data: record(1) + [0, 0], name: "batch.bin") }
        #expect(text == "batch.bin: size 3075 is not a positive multiple of the CIFAR-10 record size 3073")
        #expect(dataErrorText { try CIFAR10Reader.parse(data: [], name: "e") }.hasPrefix("e: size 0"))
    }

    @Test func readsTheGeneratedSample() throws {
        let directory = try TestDirectory()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/make_test_data.py").path
        process.arguments = ["python3", script, directory.path]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        let train = try CIFAR10Reader.read(files: [directory.path + "/data_batch_1.bin"])
        let test = try CIFAR10Reader.read(files: [directory.path + "/test_batch.bin"])
        #expect(train.count == 200 && test.count == 100)
        #expect(Set(try #require(train.labels)) == Set(0..<10))
        let text = try CSVReader.readText(path: directory.path + "/text_train.csv", options: .init(vocab: 100, length: 20))
        #expect(text.count == 2000)
        #expect(Set(try #require(text.labels)) == [0, 1])
    }
}
