/// Reads IDX files (MNIST, Fashion-MNIST), gzip-compressed or plain.
///
/// Images: magic 0x00000803, then N, H, W as big-endian UInt32, then N*H*W bytes -> `[1,H,W]`.
/// Labels: magic 0x00000801, then N, then N bytes.
public enum IDXReader {
    static let imagesMagic: UInt32 = 0x0000_0803
    static let labelsMagic: UInt32 = 0x0000_0801

    /// Reads an image file and, when given, its label file; the counts must match.
    public static func read(images: String, labels: String?) throws -> Dataset {
        var dataset = try parseImages(data: FileBytes.readMaybeGzip(images), name: images)
        if let labels {
            let labelValues = try parseLabels(data: FileBytes.readMaybeGzip(labels), name: labels)
            guard labelValues.count == dataset.count else {
                throw DataError(file: labels, message:
                    "has \(labelValues.count) labels but \(images) has \(dataset.count) images")
            }
            dataset.labels = labelValues
        }
        return dataset
    }

    /// Parses the bytes of an image file (gzip or plain) named `name` in errors.
    public static func parseImages(data: [UInt8], name: String) throws -> Dataset {
        let bytes = try Gzip.inflateIfCompressed(data, name: name)
        guard bytes.count >= 16 else {
            throw DataError(file: name, message: "too short for an IDX image header (\(bytes.count) bytes)")
        }
        let magic = bytes.bigEndianUInt32(at: 0)
        guard magic == imagesMagic else {
            throw DataError(file: name, message: "wrong IDX magic \(hex(magic)), expected \(hex(imagesMagic)) for images")
        }
        let count = Int(bytes.bigEndianUInt32(at: 4))
        let height = Int(bytes.bigEndianUInt32(at: 8))
        let width = Int(bytes.bigEndianUInt32(at: 12))
        guard height > 0, width > 0 else {
            throw DataError(file: name, message: "zero-sized images (\(height)x\(width))")
        }
        // Each factor is below 2^32, so the products fit in Int64 only when checked.
        let (pixels, overflow1) = height.multipliedReportingOverflow(by: width)
        let (total, overflow2) = pixels.multipliedReportingOverflow(by: count)
        guard !overflow1, !overflow2, bytes.count - 16 == total else {
            throw DataError(file: name, message:
                "header says \(count) images of \(height)x\(width) but the file holds \(bytes.count - 16) pixel bytes")
        }
        return Dataset(sampleShape: [1, height, width], count: count, values: .uint8(Array(bytes[16...])))
    }

    /// Parses the bytes of a label file (gzip or plain) named `name` in errors.
    public static func parseLabels(data: [UInt8], name: String) throws -> [Int32] {
        let bytes = try Gzip.inflateIfCompressed(data, name: name)
        guard bytes.count >= 8 else {
            throw DataError(file: name, message: "too short for an IDX label header (\(bytes.count) bytes)")
        }
        let magic = bytes.bigEndianUInt32(at: 0)
        guard magic == labelsMagic else {
            throw DataError(file: name, message: "wrong IDX magic \(hex(magic)), expected \(hex(labelsMagic)) for labels")
        }
        let count = Int(bytes.bigEndianUInt32(at: 4))
        guard bytes.count - 8 == count else {
            throw DataError(file: name, message: "header says \(count) labels but the file holds \(bytes.count - 8)")
        }
        return bytes[8...].map { Int32($0) }
    }

    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}
