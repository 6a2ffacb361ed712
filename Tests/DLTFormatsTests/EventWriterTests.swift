import Foundation
import Testing
@testable import DLTFormats

/// Splits a TFRecord stream into payloads, checking both masked CRCs of every record.
private func records(_ bytes: [UInt8]) throws -> [[UInt8]] {
    func uint64(_ at: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(bytes[at + $1]) << (8 * $1) } }
    func uint32(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[at + $1]) << (8 * $1) } }
    var payloads: [[UInt8]] = []
    var offset = 0
    while offset < bytes.count {
        try #require(offset + 12 <= bytes.count, "record header truncated")
        let length = Int(uint64(offset))
        #expect(uint32(offset + 8) == CRC32C.masked(CRC32C.checksum(Array(bytes[offset..<(offset + 8)]))))
        let start = offset + 12
        try #require(start + length + 4 <= bytes.count, "record body truncated")
        let payload = Array(bytes[start..<(start + length)])
        #expect(uint32(start + length) == CRC32C.masked(CRC32C.checksum(payload)))
        payloads.append(payload)
        offset = start + length + 4
    }
    return payloads
}

private func readEvents(_ path: String) throws -> [Tensorboard_Event] {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    return try records(bytes).map { try Tensorboard_Event(serializedBytes: $0) }
}

@Test func eventFileIsNamedAndStartsWithTheFileVersion() throws {
    let directory = try ScratchDirectory()
    let writer = try EventWriter(directory: directory.file("tb"))
    writer.close()
    let name = URL(fileURLWithPath: writer.path).lastPathComponent
    #expect(name.hasPrefix("events.out.tfevents."))
    let seconds = try #require(Double(name.split(separator: ".")[3]))
    #expect(abs(seconds - Date().timeIntervalSince1970) < 60)
    let events = try readEvents(writer.path)
    #expect(events.count == 1)
    #expect(events.first?.fileVersion == "brain.Event:2")
    #expect(writer.writeError == nil)
}

@Test func scalarsAreFramedAndDecodable() throws {
    let directory = try ScratchDirectory()
    let writer = try EventWriter(directory: directory.path)
    writer.scalar(tag: "train/loss", value: 2.5, step: 1)
    writer.scalar(tag: "train/loss", value: 1.25, step: 2)
    writer.flush()
    writer.scalar(tag: "val/accuracy", value: 0.875, step: 2)
    writer.close()
    let events = try readEvents(writer.path)
    let summaries = events.dropFirst().map { ($0.step, $0.summary.value[0].tag, $0.summary.value[0].simpleValue) }
    #expect(summaries.map(\.0) == [1, 2, 2])
    #expect(summaries.map(\.1) == ["train/loss", "train/loss", "val/accuracy"])
    #expect(summaries.map(\.2) == [2.5, 1.25, 0.875])
    #expect(events.allSatisfy { $0.wallTime > 1_600_000_000 })
}

@Test func twoWritersInOneSecondGetDistinctFiles() throws {
    let directory = try ScratchDirectory()
    let first = try EventWriter(directory: directory.path)
    let second = try EventWriter(directory: directory.path)
    #expect(first.path != second.path)
    first.close()
    second.close()
    #expect(try directory.contents().count == 2)
}

@Test func directoryThatIsAFileIsRefused() throws {
    let directory = try ScratchDirectory()
    let blocker = directory.file("tb")
    FileManager.default.createFile(atPath: blocker, contents: Data([1]))
    #expect(throws: FormatError.self) { try EventWriter(directory: blocker) }
}

@Test func histogramBucketsFollowTensorFlowsLayout() throws {
    let values: [Float] = [-2, -0.5, 0, 0, 0.5, 1, 3, .nan, .infinity]
    let proto = HistogramSummary.proto(values)
    #expect(proto.num == 7)
    #expect(proto.min == -2)
    #expect(proto.max == 3)
    #expect(proto.sum == 2)
    #expect(proto.sumSquares == 4 + 0.25 + 0.25 + 1 + 9)
    #expect(proto.bucket.reduce(0, +) == 7)
    #expect(proto.bucket.count == proto.bucketLimit.count)
    #expect(zip(proto.bucketLimit, proto.bucketLimit.dropFirst()).allSatisfy { $0 < $1 })
    // Each value lies below the limit of the bucket it is counted in and at or above the previous limit.
    var index = 0
    for value in values.filter(\.isFinite).sorted() {
        while Double(value) >= proto.bucketLimit[index] || proto.bucket[index] == 0 { index += 1 }
        #expect(index == 0 || Double(value) >= proto.bucketLimit[index - 1])
    }
    #expect(proto.bucketLimit.last == Double.greatestFiniteMagnitude)
    // Runs of empty buckets are merged: no two consecutive empty buckets.
    #expect(!zip(proto.bucket, proto.bucket.dropFirst()).contains { $0 == 0 && $1 == 0 })
}

@Test func defaultHistogramLimitsAreSymmetricAndCoverTheFloatRange() {
    let limits = HistogramSummary.defaultLimits
    #expect(limits.count % 2 == 1)
    #expect(limits[limits.count / 2] == 0)
    #expect(limits.first == -Double.greatestFiniteMagnitude)
    #expect(zip(limits, limits.reversed()).allSatisfy { $0 == -$1 })
    #expect(limits[limits.count / 2 + 1] == 1e-12)
}

/// Reads our file with TensorBoard's own loader (skipped without the venv).
@Test(.enabled(if: ReferencePython.isAvailable, "needs .venv-bench with tensorboard"))
func tensorBoardEventAccumulatorReadsScalarsAndHistograms() throws {
    let directory = try ScratchDirectory()
    let writer = try EventWriter(directory: directory.path)
    for step in 0..<5 {
        writer.scalar(tag: "train/loss", value: 1 / Float(step + 1), step: Int64(step))
    }
    writer.histogram(tag: "dense_0.weight", values: (0..<100).map { Float($0) / 10 - 5 }, step: 4)
    writer.close()
    let script = """
    import json, sys
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    acc = EventAccumulator(sys.argv[1], size_guidance={"scalars": 0, "histograms": 0})
    acc.Reload()
    h = acc.Histograms("dense_0.weight")[0]
    print(json.dumps({
        "tags": acc.Tags()["scalars"],
        "scalars": [[e.step, e.value] for e in acc.Scalars("train/loss")],
        "histogram": {"step": h.step, "num": h.histogram_value.num, "min": h.histogram_value.min,
                      "max": h.histogram_value.max, "total": sum(h.histogram_value.bucket)},
    }))
    """
    let result = try #require(try ReferencePython.runJSON(script, arguments: [directory.path]) as? [String: Any])
    #expect(result["tags"] as? [String] == ["train/loss"])
    let scalars = try #require(result["scalars"] as? [[Double]])
    #expect(scalars.map { Int($0[0]) } == [0, 1, 2, 3, 4])
    #expect(scalars.map { Float($0[1]) } == (0..<5).map { 1 / Float($0 + 1) })
    let histogram = try #require(result["histogram"] as? [String: Double])
    #expect(histogram["step"] == 4)
    #expect(histogram["num"] == 100)
    #expect(histogram["min"] == -5)
    #expect(histogram["max"] == Double(Float(99) / 10 - 5))
    #expect(histogram["total"] == 100)
}
