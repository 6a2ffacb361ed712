/// Input normalisation applied when a batch is built: `x = (raw / scale - mean[c]) / std[c]`.
///
/// The channel `c` of a value is its index along the first axis of the sample shape (C of
/// `[C,H,W]`, the feature of `[features]`); `mean` and `std` hold 1 value or one per channel.
/// Missing parts are identities: scale 1, mean 0, std 1.
public struct Normalization: Equatable {
    public var scale: Float?
    public var mean: [Float]?
    public var std: [Float]?

    public init(scale: Float? = nil, mean: [Float]? = nil, std: [Float]? = nil) {
        self.scale = scale
        self.mean = mean
        self.std = std
    }

    /// Per-channel affine form `x = raw * multiplier[c] + offset[c]` for samples of `sampleShape`;
    /// `name` names the source in errors (e.g. the config file).
    public func affine(sampleShape: [Int], name: String = "normalize") throws -> (multiplier: [Float], offset: [Float]) {
        let channels = max(sampleShape.first ?? 1, 1)
        let scale = self.scale ?? 1
        guard scale.isFinite, scale != 0 else {
            throw DataError(file: name, message: "normalize scale must be a non-zero number, got \(scale)")
        }
        func perChannel(_ values: [Float]?, _ what: String, _ identity: Float) throws -> [Float] {
            guard let values else { return Array(repeating: identity, count: channels) }
            guard values.count == 1 || values.count == channels else {
                throw DataError(file: name, message:
                    "normalize \(what) has \(values.count) values; expected 1 or \(channels) (one per channel)")
            }
            return values.count == 1 ? Array(repeating: values[0], count: channels) : values
        }
        let means = try perChannel(mean, "mean", 0)
        let stds = try perChannel(std, "std", 1)
        guard stds.allSatisfy({ $0 != 0 && $0.isFinite }) else {
            throw DataError(file: name, message: "normalize std values must be non-zero")
        }
        let multiplier = stds.map { 1 / (scale * $0) }
        let offset = zip(means, stds).map { -$0 / $1 }
        return (multiplier, offset)
    }

    /// The normalised values of `dataset`'s samples at `indices`, concatenated (for predict/eval
    /// paths that want the whole input at once rather than a `Batcher`).
    public func apply(to dataset: Dataset, indices: [Int]) throws -> [Float] {
        let (multiplier, offset) = try affine(sampleShape: dataset.sampleShape)
        let sampleSize = dataset.sampleSize
        var output = [Float](repeating: 0, count: indices.count * sampleSize)
        output.withUnsafeMutableBufferPointer { destination in
            for (row, index) in indices.enumerated() {
                SampleWriter.write(dataset.values, sample: index, sampleSize: sampleSize,
                                   multiplier: multiplier, offset: offset,
                                   into: destination.baseAddress! + row * sampleSize)
            }
        }
        return output
    }
}

/// Copies one sample into a Float buffer with the per-channel affine map.
enum SampleWriter {
    /// `destination[i] = source[sample * sampleSize + i] * multiplier[c] + offset[c]`,
    /// `c = i / (sampleSize / channels)`.
    @inline(__always)
    static func write(_ values: SampleValues, sample: Int, sampleSize: Int,
                      multiplier: [Float], offset: [Float], into destination: UnsafeMutablePointer<Float>) {
        let channels = multiplier.count
        guard sampleSize > 0 else { return }
        let plane = sampleSize / channels
        switch values {
        case .uint8(let bytes):
            bytes.withUnsafeBufferPointer { source in
                let start = source.baseAddress! + sample * sampleSize
                for channel in 0..<channels {
                    let a = multiplier[channel], b = offset[channel]
                    let base = channel * plane
                    for i in base..<(base + plane) { destination[i] = Float(start[i]) * a + b }
                }
            }
        case .float(let floats):
            floats.withUnsafeBufferPointer { source in
                let start = source.baseAddress! + sample * sampleSize
                for channel in 0..<channels {
                    let a = multiplier[channel], b = offset[channel]
                    let base = channel * plane
                    for i in base..<(base + plane) { destination[i] = start[i] * a + b }
                }
            }
        }
    }
}
