import Foundation
import Testing
@testable import DLTData

@Suite struct IDXReaderTests {
    let images = IDXBytes.images(count: 3, height: 2, width: 4) { image, offset in UInt8(image * 10 + offset) }
    let labels = IDXBytes.labels([7, 0, 9])

    @Test func readsPlainFiles() throws {
        let directory = try TestDirectory()
        let dataset = try IDXReader.read(images: directory.write("i.idx", images), labels: directory.write("l.idx", labels))
        #expect(dataset.sampleShape == [1, 2, 4])
        #expect(dataset.count == 3)
        #expect(dataset.labels == [7, 0, 9])
        guard case .uint8(let pixels) = dataset.values else { Issue.record("expected bytes"); return }
        #expect(pixels.count == 24)
        #expect(pixels[8] == 10 && pixels[16] == 20 && pixels[23] == 27)
    }

    @Test func readsGzippedFiles() throws {
        let directory = try TestDirectory()
        let imagePath = try directory.gzipWithTool(directory.write("i.idx", images))
        let labelPath = try directory.gzipWithTool(directory.write("l.idx", labels))
        let dataset = try IDXReader.read(images: imagePath, labels: labelPath)
        #expect(dataset == (try IDXReader.parseImages(data: images, name: "x")).with(labels: [7, 0, 9]))
    }

    @Test func countMismatchNamesBothFiles() throws {
        let directory = try TestDirectory()
        let imagePath = try directory.write("i.idx", images)
        let labelPath = try directory.write("l.idx", IDXBytes.labels([1, 2]))
        let text = dataErrorText { try IDXReader.read(images: imagePath, labels: labelPath) }
        #expect(text == "\(labelPath): has 2 labels but \(imagePath) has 3 images")
    }

    @Test func wrongMagicIsRefused() {
        #expect(dataErrorText { try IDXReader.parseImages(data: labels + [0, 0, 0, 0, 0, 0, 0, 0], name: "l") }
            == "l: wrong IDX magic 0x00000801, expected 0x00000803 for images")
        #expect(dataErrorText { try IDXReader.parseLabels(data: images, name: "i") }
            == "i: wrong IDX magic 0x00000803, expected 0x00000801 for labels")
    }

    @Test func sizeAndHeaderProblems() {
        #expect(dataErrorText { try IDXReader.parseImages(data: Array(images.dropLast()), name: "f") }
            .contains("header says 3 images of 2x4 but the file holds 23 pixel bytes"))
        #expect(dataErrorText { try IDXReader.parseImages(data: [0, 0, 8], name: "f") }.contains("too short"))
        let zero = IDXBytes.images(count: 2, height: 0, width: 5) { _, _ in 0 }
        #expect(dataErrorText { try IDXReader.parseImages(data: zero, name: "z") } == "z: zero-sized images (0x5)")
        // Sizes whose product overflows must be an error, not a crash.
        let huge = IDXBytes.bigEndian(0x803) + IDXBytes.bigEndian(.max) + IDXBytes.bigEndian(.max) + IDXBytes.bigEndian(.max)
        #expect(dataErrorText { try IDXReader.parseImages(data: huge, name: "h") }.hasPrefix("h: header says"))
    }

    @Test func missingFileAndDirectory() throws {
        let directory = try TestDirectory()
        #expect(dataErrorText { try IDXReader.read(images: directory.path + "/nope.gz", labels: nil) }
            == "\(directory.path)/nope.gz: no such file")
        #expect(dataErrorText { try IDXReader.read(images: directory.path, labels: nil) }
            == "\(directory.path): is a directory, expected a file")
    }

    @Test func corruptGzipIsReportedWithTheFile() throws {
        let directory = try TestDirectory()
        let compressed = Gzip.deflate(images)
        let path = try directory.write("cut.gz", Array(compressed.prefix(compressed.count - 10)))
        #expect(dataErrorText { try IDXReader.read(images: path, labels: nil) }.hasPrefix("\(path): truncated gzip"))
    }

    @Test func readsFashionMNISTWhenInstalled() throws {
        let root = "/usr/share/datasets/fashion-mnist/"
        let imagePath = root + "train-images-idx3-ubyte.gz", labelPath = root + "train-labels-idx1-ubyte.gz"
        guard FileManager.default.fileExists(atPath: imagePath), FileManager.default.fileExists(atPath: labelPath) else {
            return   // Fashion-MNIST is not installed on this machine.
        }
        let dataset = try IDXReader.read(images: imagePath, labels: labelPath)
        #expect(dataset.count == 60000)
        #expect(dataset.sampleShape == [1, 28, 28])
        #expect(dataset.values.count == 60000 * 784)
        let labels = try #require(dataset.labels)
        #expect(labels.min() == 0 && labels.max() == 9)
        // Fashion-MNIST is balanced: 6000 training images per class.
        #expect(Dictionary(grouping: labels, by: { $0 }).values.allSatisfy { $0.count == 6000 })
    }
}

extension Dataset {
    func with(labels: [Int32]) -> Dataset {
        var copy = self
        copy.labels = labels
        return copy
    }
}
