/// Reads CIFAR-10 binary batches (`data_batch_1.bin` ... `test_batch.bin`).
///
/// Each record is 1 label byte then 3072 pixel bytes: the 32x32 red plane, then green, then blue,
/// which is already CHW, so samples are `[3,32,32]` bytes copied as they are.
public enum CIFAR10Reader {
    public static let recordSize = 1 + 3 * 32 * 32

    /// Reads and concatenates the batches in `files`, in order.
    public static func read(files: [String]) throws -> Dataset {
        guard !files.isEmpty else {
            throw DataError(file: "cifar10", message: "no batch files given")
        }
        var pixels: [UInt8] = []
        var labels: [Int32] = []
        for file in files {
            let part = try parse(data: FileBytes.readMaybeGzip(file), name: file)
            if case .uint8(let values) = part.values { pixels.append(contentsOf: values) }
            labels.append(contentsOf: part.labels ?? [])
        }
        return Dataset(sampleShape: [3, 32, 32], count: labels.count, values: .uint8(pixels), labels: labels)
    }

    /// Parses one batch file's bytes (gzip or plain), named `name` in errors.
    public static func parse(data: [UInt8], name: String) throws -> Dataset {
        let bytes = try Gzip.inflateIfCompressed(data, name: name)
        guard !bytes.isEmpty, bytes.count % recordSize == 0 else {
            throw DataError(file: name, message:
                "size \(bytes.count) is not a positive multiple of the CIFAR-10 record size \(recordSize)")
        }
        let count = bytes.count / recordSize
        var pixels = [UInt8](repeating: 0, count: count * (recordSize - 1))
        var labels = [Int32](repeating: 0, count: count)
        bytes.withUnsafeBufferPointer { source in
            pixels.withUnsafeMutableBufferPointer { destination in
                for record in 0..<count {
                    let start = record * recordSize
                    labels[record] = Int32(source[start])
                    let target = destination.baseAddress! + record * (recordSize - 1)
                    target.update(from: source.baseAddress! + start + 1, count: recordSize - 1)
                }
            }
        }
        return Dataset(sampleShape: [3, 32, 32], count: count, values: .uint8(pixels), labels: labels)
    }
}
