import DLTCore

/// The augmentation of one epoch's training samples. Every draw depends only on (seed, epoch,
/// sample index), so batches are the same whatever thread or batch a sample lands in, and a
/// resumed run draws what the uninterrupted one drew.
public struct Augmentation: Equatable, Sendable {
    public let transforms: [ImageTransform]
    public let seed: UInt64
    public let epoch: Int

    public init(transforms: [ImageTransform], seed: UInt64, epoch: Int) {
        self.transforms = transforms; self.seed = seed; self.epoch = epoch
    }

    /// The generator of one sample (the dataset index), apart from the shuffle's (seed, epoch) stream.
    func random(sample: Int) -> SeededRandom {
        var epochStream = SeededRandom(seed: seed, stream: UInt64(epoch) ^ 0xA06E_0000_0000_0000)
        return SeededRandom(seed: epochStream.next(), stream: UInt64(sample))
    }
}

/// Runs an `Augmentation` on (C, H, W) samples of one dataset, in two work buffers allocated
/// once: no allocation per sample. One per thread.
public final class Augmenter {
    public let augmentation: Augmentation
    let layout: ImageLayout
    /// Byte images: the pixel range is 255 and colour changes stay within [0, 255].
    let bytes: Bool
    private var current: UnsafeMutablePointer<Float>
    private var spare: UnsafeMutablePointer<Float>

    public init(_ augmentation: Augmentation, sampleShape: [Int], values: SampleValues) throws {
        guard sampleShape.count == 3 else {
            throw DataError(file: "augment", message: "augmentation needs [C, H, W] image samples, got shape \(sampleShape)")
        }
        self.augmentation = augmentation
        layout = ImageLayout(channels: sampleShape[0], height: sampleShape[1], width: sampleShape[2])
        if case .uint8 = values { bytes = true } else { bytes = false }
        current = .allocate(capacity: max(layout.count, 1))
        spare = .allocate(capacity: max(layout.count, 1))
    }

    deinit {
        current.deallocate()
        spare.deallocate()
    }

    /// Sample `index` of `values` after every transform, as raw pixel values; valid until the next call.
    func augment(_ values: SampleValues, sample index: Int) -> UnsafePointer<Float> {
        let count = layout.count
        switch values {
        case .uint8(let data):
            data.withUnsafeBufferPointer { source in
                let start = source.baseAddress! + index * count
                for i in 0..<count { current[i] = Float(start[i]) }
            }
        case .float(let data):
            data.withUnsafeBufferPointer { current.update(from: $0.baseAddress! + index * count, count: count) }
        }
        var random = augmentation.random(sample: index)
        let range: Float = bytes ? 255 : 1
        for transform in augmentation.transforms {
            transform.apply(current, into: spare, layout: layout, range: range, clamp: bytes, random: &random)
            if transform.needsDestination { swap(&current, &spare) }
        }
        return UnsafePointer(current)
    }

    /// Augments sample `index` and writes it normalised: `x * multiplier[c] + offset[c]`.
    func write(_ values: SampleValues, sample index: Int, multiplier: [Float], offset: [Float],
               into destination: UnsafeMutablePointer<Float>) {
        let image = augment(values, sample: index)
        let plane = layout.count / max(multiplier.count, 1)
        for channel in 0..<multiplier.count {
            let a = multiplier[channel], b = offset[channel], base = channel * plane
            for i in base..<(base + plane) { destination[i] = image[i] * a + b }
        }
    }

    /// The augmented samples `indices`, before normalisation, in the dataset's value type
    /// (bytes rounded), for `dlt augment`'s grid.
    public func augmentedSamples(_ values: SampleValues, indices: [Int]) -> SampleValues {
        var floats: [Float] = []
        floats.reserveCapacity(indices.count * layout.count)
        for index in indices {
            floats.append(contentsOf: UnsafeBufferPointer(start: augment(values, sample: index), count: layout.count))
        }
        return bytes ? .uint8(floats.map { UInt8(min(max($0.rounded(), 0), 255)) }) : .float(floats)
    }
}
