/// Reads NumPy `.npy` files (format versions 1.0, 2.0, 3.0), C order only.
///
/// Layout: `\x93NUMPY`, major, minor, header length (UInt16 LE for v1, UInt32 LE for v2/v3),
/// a Python dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (N, ...), }`, data.
/// `|u1` stays bytes; `<f4 <f8 <i4 <i8 |i1 <u2 <i2 |b1` (and big-endian `>` forms) become Float.
public enum NPYReader {
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    public static func read(path: String) throws -> (shape: [Int], values: SampleValues) {
        try parse(data: FileBytes.read(path), name: path)
    }

    /// A dataset from a values file (samples, features...) and an optional labels file with one
    /// entry per sample: a 1-D array holds class labels (whole numbers, any dtype), a wider one
    /// regression targets (samples, outputs...).
    public static func readDataset(values: String, labels: String?) throws -> Dataset {
        let (shape, data) = try read(path: values)
        guard shape.count >= 2, let count = shape.first, count > 0 else {
            throw DataError(file: values, message: "the array has shape \(shape); dlt needs (samples, features...) with at least one sample")
        }
        var dataset = Dataset(sampleShape: Array(shape.dropFirst()), count: count, values: data)
        guard let labels else { return dataset }
        let (labelShape, labelValues) = try read(path: labels)
        guard labelShape.first == count else {
            throw DataError(file: labels, message: "\(labelShape.first ?? 0) labels for \(count) samples in \(values)")
        }
        if labelShape.count == 1 {
            dataset.labels = try wholeNumbers(labelValues, file: labels)
        } else {
            dataset.targets = (0..<labelValues.count).map { labelValues[$0] }
            dataset.targetWidth = labelValues.count / count
        }
        return dataset
    }

    /// Class labels stored in any dtype: each must be a whole number.
    private static func wholeNumbers(_ values: SampleValues, file: String) throws -> [Int32] {
        var labels: [Int32] = []
        labels.reserveCapacity(values.count)
        for i in 0..<values.count {
            let v = values[i]
            guard v.isFinite, v == v.rounded(), abs(v) < 1e9 else {
                throw DataError(file: file, message: "label \(v) of sample \(i) is not a whole number")
            }
            labels.append(Int32(v))
        }
        return labels
    }

    struct Header {
        var kind: Character      // f, i, u, b
        var itemSize: Int
        var bigEndian: Bool
        var shape: [Int]
        var dataOffset: Int
    }

    /// Parses `.npy` bytes named `name` in errors.
    public static func parse(data bytes: [UInt8], name: String) throws -> (shape: [Int], values: SampleValues) {
        let header = try parseHeader(bytes, name: name)
        var total = 1
        for dimension in header.shape {
            let (product, overflow) = total.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw DataError(file: name, message: "shape \(header.shape) is too large") }
            total = product
        }
        let (byteCount, overflow) = total.multipliedReportingOverflow(by: header.itemSize)
        guard !overflow, bytes.count - header.dataOffset >= byteCount else {
            throw DataError(file: name, message:
                "truncated: shape \(header.shape) needs \(byteCount) data bytes, file has \(bytes.count - header.dataOffset)")
        }
        let start = header.dataOffset
        if header.kind == "u" && header.itemSize == 1 {
            return (header.shape, .uint8(Array(bytes[start..<(start + total)])))
        }
        var values = [Float](repeating: 0, count: total)
        bytes.withUnsafeBytes { raw in
            for index in 0..<total {
                values[index] = element(raw, at: start + index * header.itemSize, header)
            }
        }
        return (header.shape, .float(values))
    }

    /// One element as Float, assembling its bytes in the file's byte order.
    static func element(_ raw: UnsafeRawBufferPointer, at offset: Int, _ header: Header) -> Float {
        var bits: UInt64 = 0
        for byte in 0..<header.itemSize {
            let position = header.bigEndian ? offset + byte : offset + header.itemSize - 1 - byte
            bits = bits << 8 | UInt64(raw[position])
        }
        switch (header.kind, header.itemSize) {
        case ("f", 4): return Float(bitPattern: UInt32(truncatingIfNeeded: bits))
        case ("f", 8): return Float(Double(bitPattern: bits))
        case ("i", 1): return Float(Int8(truncatingIfNeeded: bits))
        case ("i", 2): return Float(Int16(truncatingIfNeeded: bits))
        case ("i", 4): return Float(Int32(truncatingIfNeeded: bits))
        case ("i", 8): return Float(Int64(bitPattern: bits))
        case ("b", 1): return bits == 0 ? 0 : 1
        default: return Float(bits)   // u1, u2, u4
        }
    }

    static func parseHeader(_ bytes: [UInt8], name: String) throws -> Header {
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw DataError(file: name, message: "not a .npy file (missing \\x93NUMPY magic)")
        }
        let major = bytes[6]
        let lengthSize: Int
        switch major {
        case 1: lengthSize = 2
        case 2, 3: lengthSize = 4
        default: throw DataError(file: name, message: "unsupported .npy format version \(major).\(bytes[7])")
        }
        guard bytes.count >= 8 + lengthSize else { throw DataError(file: name, message: "bad npy header: truncated") }
        let headerLength = lengthSize == 2 ? Int(bytes.littleEndianUInt16(at: 8)) : Int(bytes.littleEndianUInt32(at: 8))
        let dataOffset = 8 + lengthSize + headerLength
        guard bytes.count >= dataOffset else {
            throw DataError(file: name, message: "bad npy header: says \(headerLength) bytes, file is shorter")
        }
        let text = String(decoding: bytes[(8 + lengthSize)..<dataOffset], as: UTF8.self)
        var dict = NPYHeaderDictionary(text: text)
        guard let entries = dict.parse() else {
            throw DataError(file: name, message: "bad npy header: cannot parse \(text.prefix(80).debugDescription)")
        }
        guard case .string(let descr)? = entries["descr"] else {
            throw DataError(file: name, message: "bad npy header: no 'descr' string")
        }
        guard case .bool(let fortran)? = entries["fortran_order"] else {
            throw DataError(file: name, message: "bad npy header: no 'fortran_order' True/False")
        }
        guard !fortran else {
            throw DataError(file: name, message: "fortran_order arrays are not supported; save with np.ascontiguousarray")
        }
        guard case .tuple(let shape)? = entries["shape"], shape.allSatisfy({ $0 >= 0 }) else {
            throw DataError(file: name, message: "bad npy header: no 'shape' tuple of non-negative integers")
        }
        let supported: Set<String> = ["f4", "f8", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "b1"]
        let order = descr.first
        let code = String(descr.dropFirst())
        guard let order, "<>|=".contains(order), supported.contains(code) else {
            throw DataError(file: name, message:
                "unsupported dtype '\(descr)' (supported: |u1 |b1 |i1 <i2 <i4 <i8 <u2 <u4 <f4 <f8)")
        }
        return Header(kind: code.first!, itemSize: Int(String(code.dropFirst()))!, bigEndian: order == ">",
                      shape: shape, dataOffset: dataOffset)
    }
}
