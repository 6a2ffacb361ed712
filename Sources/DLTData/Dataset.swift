/// Sample values kept in the type they came in: images stay bytes until a batch is built.
public enum SampleValues: Equatable {
    case uint8([UInt8])
    case float([Float])

    /// Number of scalar values.
    public var count: Int {
        switch self {
        case .uint8(let values): return values.count
        case .float(let values): return values.count
        }
    }

    /// The values at `index` (flat), as Float.
    public subscript(index: Int) -> Float {
        switch self {
        case .uint8(let values): return Float(values[index])
        case .float(let values): return values[index]
        }
    }

    /// The values of samples `indices` (each `sampleSize` long), in the order given.
    func gather(_ indices: [Int], sampleSize: Int) -> SampleValues {
        switch self {
        case .uint8(let values): return .uint8(Self.gather(values, indices, sampleSize))
        case .float(let values): return .float(Self.gather(values, indices, sampleSize))
        }
    }

    static func gather<T>(_ values: [T], _ indices: [Int], _ width: Int) -> [T] {
        var result: [T] = []
        result.reserveCapacity(indices.count * width)
        for index in indices {
            result.append(contentsOf: values[(index * width)..<((index + 1) * width)])
        }
        return result
    }
}

/// A whole dataset in memory, sample-major.
///
/// `values` holds `count * sampleShape.product` scalars: `[C,H,W]` images, `[features]` vectors,
/// or `[length]` token ids. `labels` holds one class index per sample (cross-entropy, or 0/1 for
/// binary cross-entropy); `targets` holds `count * targetWidth` floats for regression.
public struct Dataset: Equatable {
    public var sampleShape: [Int]
    public var count: Int
    public var values: SampleValues
    public var labels: [Int32]?
    public var targets: [Float]?
    public var targetWidth: Int
    /// Text datasets: token id -> token; id 0 is `<pad>`, id 1 is `<unk>`.
    public var vocabulary: [String]?

    public init(sampleShape: [Int], count: Int, values: SampleValues, labels: [Int32]? = nil,
                targets: [Float]? = nil, targetWidth: Int = 0, vocabulary: [String]? = nil) {
        self.sampleShape = sampleShape
        self.count = count
        self.values = values
        self.labels = labels
        self.targets = targets
        self.targetWidth = targetWidth
        self.vocabulary = vocabulary
    }

    /// Scalars per sample (the product of `sampleShape`).
    public var sampleSize: Int { sampleShape.reduce(1, *) }

    /// The samples at `indices`, in that order (indices must be in `0..<count`).
    public func subset(_ indices: [Int]) -> Dataset {
        var result = self
        result.count = indices.count
        result.values = values.gather(indices, sampleSize: sampleSize)
        result.labels = labels.map { labels in indices.map { labels[$0] } }
        result.targets = targets.map { SampleValues.gather($0, indices, targetWidth) }
        return result
    }

    /// The samples in `range` (clamped to `0..<count`).
    public func subset(_ range: Range<Int>) -> Dataset {
        let clamped = range.clamped(to: 0..<count)
        return subset(Array(clamped))
    }

    /// The first `n` samples (all of them when `n >= count`).
    public func prefix(_ n: Int) -> Dataset {
        subset(0..<max(0, min(n, count)))
    }

    /// Splits off the last `fraction` of the samples for validation:
    /// `(train: first count - k, validation: last k)`, `k = round(count * fraction)`.
    public func splitTail(fraction: Double) -> (train: Dataset, validation: Dataset) {
        let tail = Int((Double(count) * min(max(fraction, 0), 1)).rounded())
        return (subset(0..<(count - tail)), subset((count - tail)..<count))
    }
}
