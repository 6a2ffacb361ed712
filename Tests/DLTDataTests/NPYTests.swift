import Testing
@testable import DLTData

@Suite struct NPYTests {
    /// `.npy` bytes with a hand-written header (v1 unless `major` says otherwise).
    func npy(_ header: String, _ payload: [UInt8], major: UInt8 = 1) -> [UInt8] {
        let text = Array(header.utf8)
        let length = major == 1 ? [UInt8(text.count & 0xff), UInt8(text.count >> 8)]
                                : [UInt8(text.count & 0xff), UInt8(text.count >> 8), 0, 0]
        return NPYReader.magic + [major, 0] + length + text + payload
    }

    @Test func writeThenReadRoundTrips() throws {
        let directory = try TestDirectory()
        let values: [Float] = [0, -1.5, 3.25, .greatestFiniteMagnitude, 1e-7, 42]
        let path = directory.path + "/x.npy"
        try NPYWriter.write(values, shape: [2, 3], to: path)
        let (shape, read) = try NPYReader.read(path: path)
        #expect(shape == [2, 3])
        #expect(read == .float(values))
        // Data starts on a 64-byte boundary, as numpy writes it.
        let bytes = try FileBytes.read(path)
        #expect((bytes.count - values.count * 4) % 64 == 0)
        let (vectorShape, _) = try NPYReader.parse(data: NPYWriter.encode([1, 2], shape: [2]), name: "v")
        #expect(vectorShape == [2])
    }

    @Test func readsEveryDtype() throws {
        #expect(try NPYReader.parse(data: npy("{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }", [1, 2, 255]), name: "u").values
            == .uint8([1, 2, 255]))
        #expect(try NPYReader.parse(data: npy("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }",
                                              [0xFF, 0xFF, 0xFF, 0xFF, 7, 0, 0, 0]), name: "i").values == .float([-1, 7]))
        #expect(try NPYReader.parse(data: npy("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }",
                                              [0xFE] + [UInt8](repeating: 0xFF, count: 7)), name: "l").values == .float([-2]))
        let one = Double(1.5).bitPattern
        let doubleBytes = (0..<8).map { UInt8((one >> (8 * UInt64($0))) & 0xff) }
        #expect(try NPYReader.parse(data: npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,1), }", doubleBytes), name: "d")
            == ([1, 1], .float([1.5])))
        #expect(try NPYReader.parse(data: npy("{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }", [0, 1]), name: "b").values
            == .float([0, 1]))
        // Big-endian float 2.0 = 0x40000000, in a version 2.0 file with double-quoted keys.
        #expect(try NPYReader.parse(data: npy("{\"descr\": \">f4\", \"fortran_order\": False, \"shape\": (1,)}", [0x40, 0, 0, 0], major: 2),
                                    name: "be").values == .float([2]))
    }

    @Test func errors() {
        let good = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"
        #expect(dataErrorText { try NPYReader.parse(data: Array("hello world".utf8), name: "a") }
            == "a: not a .npy file (missing \\x93NUMPY magic)")
        #expect(dataErrorText { try NPYReader.parse(data: npy("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", [0]), name: "c") }
            .hasPrefix("c: unsupported dtype '<c8'"))
        #expect(dataErrorText { try NPYReader.parse(data: npy("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", [0, 0, 0, 0]), name: "f") }
            .hasPrefix("f: fortran_order arrays are not supported"))
        #expect(dataErrorText { try NPYReader.parse(data: npy(good, [0, 0, 0, 0]), name: "t") }
            == "t: truncated: shape [2] needs 8 data bytes, file has 4")
        #expect(dataErrorText { try NPYReader.parse(data: npy("{'descr': '<f4', 'shape': (2,)", []), name: "h") }
            .hasPrefix("h: bad npy header"))
        #expect(dataErrorText { try NPYReader.parse(data: npy(good, [], major: 9), name: "v") }
            == "v: unsupported .npy format version 9.0")
        let huge = "{'descr': '<f4', 'fortran_order': False, 'shape': (999999999999999999, 999999999999), }"
        #expect(dataErrorText { try NPYReader.parse(data: npy(huge, []), name: "o") }.hasPrefix("o: shape"))
        #expect(dataErrorText { try NPYWriter.encode([1, 2, 3], shape: [2, 2]) }.contains("does not hold 3 values"))
    }

    @Test func datasetFromValuesAndLabels() throws {
        let directory = try TestDirectory()
        let values = directory.path + "/x.npy", labels = directory.path + "/y.npy", wrong = directory.path + "/w.npy"
        try NPYWriter.write([1, 2, 3, 4, 5, 6], shape: [3, 2], to: values)
        try directory.write("y.npy", npy("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }",
                                         [2, 0, 0, 0, 0, 0, 0, 0] + [UInt8](repeating: 0, count: 8) + [1, 0, 0, 0, 0, 0, 0, 0]))
        let dataset = try NPYReader.readDataset(values: values, labels: labels)
        #expect(dataset.sampleShape == [2] && dataset.count == 3)
        #expect(dataset.labels == [2, 0, 1])
        try NPYWriter.write([0, 1], shape: [2], to: wrong)
        #expect(dataErrorText { try NPYReader.readDataset(values: values, labels: wrong) } == "\(wrong): 2 labels for 3 samples in \(values)")
        try NPYWriter.write([0, 1.5, 2], shape: [3], to: wrong)
        #expect(dataErrorText { try NPYReader.readDataset(values: values, labels: wrong) } == "\(wrong): label 1.5 of sample 1 is not a whole number")
        try NPYWriter.write([7, 8], shape: [2], to: wrong)
        #expect(dataErrorText { try NPYReader.readDataset(values: wrong, labels: nil) }.contains("dlt needs (samples, features...)"))
        try NPYWriter.write([0.5, 1.5, 2.5], shape: [3, 1], to: wrong)
        let regression = try NPYReader.readDataset(values: values, labels: wrong)
        #expect(regression.targets == [0.5, 1.5, 2.5] && regression.targetWidth == 1 && regression.labels == nil)
    }
}
