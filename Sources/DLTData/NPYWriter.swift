/// Writes float32 arrays as `.npy` version 1.0 (`<f4`, C order), readable by `numpy.load`.
public enum NPYWriter {
    public static func write(_ values: [Float], shape: [Int], to path: String) throws {
        try FileBytes.write(encode(values, shape: shape, name: path), to: path)
    }

    /// The `.npy` bytes; the header is padded with spaces so data starts on a 64-byte boundary.
    public static func encode(_ values: [Float], shape: [Int], name: String = "npy") throws -> [UInt8] {
        guard shape.reduce(1, *) == values.count, shape.allSatisfy({ $0 >= 0 }) else {
            throw DataError(file: name, message: "shape \(shape) does not hold \(values.count) values")
        }
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shapeText), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var bytes = NPYReader.magic + [1, 0]
        let length = UInt16(header.utf8.count)
        bytes += [UInt8(length & 0xff), UInt8(length >> 8)]
        bytes += Array(header.utf8)
        bytes.reserveCapacity(bytes.count + values.count * 4)
        for value in values {
            let bits = value.bitPattern
            bytes += [UInt8(bits & 0xff), UInt8((bits >> 8) & 0xff), UInt8((bits >> 16) & 0xff), UInt8(bits >> 24)]
        }
        return bytes
    }
}
