import Foundation

/// One batch, borrowed from a `Batcher`.
///
/// The buffers belong to the batcher and stay valid only until the next call to
/// `Batcher.next()` (which hands the buffer back for refilling) or until the batcher is released.
/// Copy what you need to keep.
public struct Batch {
    /// Samples in this batch (the last batch of an epoch may be smaller than the batch size).
    public let count: Int
    public let sampleShape: [Int]
    /// `(count, sampleShape...)` normalised inputs, sample-major.
    public let inputs: UnsafeBufferPointer<Float>
    /// `count` class labels, when the dataset has labels.
    public let labels: UnsafeBufferPointer<Int32>?
    /// `count * targetWidth` float targets, when the dataset has targets.
    public let targets: UnsafeBufferPointer<Float>?
    /// The dataset index of each sample.
    public let indices: UnsafeBufferPointer<Int>

    /// `[count] + sampleShape`.
    public var shape: [Int] { [count] + sampleShape }
}

/// Builds batches on a background thread, one ahead of the consumer (double buffering).
///
/// The order given fixes the batches: batch `b` holds samples `order[b*batchSize ..< (b+1)*batchSize]`.
/// Two buffers are allocated once; in steady state no batch allocates. Hand-off between the
/// producer thread and the consumer goes through one `NSCondition`: a buffer is written by the
/// producer only while the consumer does not hold it, and read by the consumer only after the
/// producer has published it.
public final class Batcher {
    public let batchSize: Int
    /// Number of batches in the order given (the last one possibly partial).
    public let batchCount: Int
    private let pipeline: BatchPipeline
    private var handedOut = false

    /// - Parameters:
    ///   - order: dataset indices, each in `0..<dataset.count`; repeated indices are allowed.
    ///   - batchSize: samples per batch, > 0.
    ///   - augmentation: image transforms for training batches, run on the batcher thread before normalisation.
    public init(dataset: Dataset, order: [Int], batchSize: Int, normalization: Normalization = Normalization(),
                augmentation: Augmentation? = nil) throws {
        guard batchSize > 0 else { throw DataError(file: "batcher", message: "batch size must be positive, got \(batchSize)") }
        if let bad = order.first(where: { !(0..<dataset.count).contains($0) }) {
            throw DataError(file: "batcher", message: "sample index \(bad) is outside 0..<\(dataset.count)")
        }
        let (multiplier, offset) = try normalization.affine(sampleShape: dataset.sampleShape)
        let augmenter = try augmentation.flatMap { $0.transforms.isEmpty ? nil : $0 }.map {
            try Augmenter($0, sampleShape: dataset.sampleShape, values: dataset.values)
        }
        self.batchSize = batchSize
        self.batchCount = (order.count + batchSize - 1) / batchSize
        pipeline = BatchPipeline(dataset: dataset, order: order, batchSize: batchSize,
                                 multiplier: multiplier, offset: offset, augmenter: augmenter)
        let pipeline = self.pipeline
        let thread = Thread { pipeline.produce() }
        thread.name = "dlt.batcher"
        thread.start()
    }

    deinit { pipeline.cancel() }

    /// The next batch, or nil after the last one. Invalidates the batch returned before.
    public func next() -> Batch? {
        let batch = pipeline.take(releasingPrevious: handedOut)
        handedOut = batch != nil
        return batch
    }
}

/// The shared state of a `Batcher` and its producer thread.
final class BatchPipeline: @unchecked Sendable {
    private let dataset: Dataset
    private let order: [Int]
    private let batchSize: Int
    private let multiplier: [Float]
    private let offset: [Float]
    /// Used by the producer thread only.
    private let augmenter: Augmenter?
    private let slots: [BatchSlot]
    private let total: Int

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var produced = 0     // batches filled and published
    private var consumed = 0     // batches handed to the consumer
    private var released = 0     // batches the consumer gave back
    private var cancelled = false

    init(dataset: Dataset, order: [Int], batchSize: Int, multiplier: [Float], offset: [Float], augmenter: Augmenter?) {
        self.dataset = dataset
        self.order = order
        self.batchSize = batchSize
        self.multiplier = multiplier
        self.offset = offset
        self.augmenter = augmenter
        total = (order.count + batchSize - 1) / batchSize
        let capacity = min(batchSize, max(order.count, 1))
        slots = (0..<2).map { _ in
            BatchSlot(capacity: capacity, sampleSize: dataset.sampleSize, targetWidth: dataset.targetWidth)
        }
    }

    /// Producer loop: fills batch `p` into slot `p % 2` once the consumer gave back batch `p - 2`.
    func produce() {
        for batch in 0..<total {
            condition.lock()
            while batch - released >= 2 && !cancelled { condition.wait() }
            let stop = cancelled
            condition.unlock()
            if stop { return }
            fill(slots[batch % 2], batch: batch)
            condition.lock()
            produced = batch + 1
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Consumer side: gives back the batch it held (if any), then waits for the next one.
    func take(releasingPrevious: Bool) -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        if releasingPrevious {
            released += 1
            condition.broadcast()
        }
        guard consumed < total else { return nil }
        while produced <= consumed { condition.wait() }
        let slot = slots[consumed % 2]
        consumed += 1
        return slot.batch(sampleShape: dataset.sampleShape,
                          hasLabels: dataset.labels != nil, hasTargets: dataset.targets != nil)
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    private func fill(_ slot: BatchSlot, batch: Int) {
        let start = batch * batchSize
        let end = min(start + batchSize, order.count)
        let sampleSize = dataset.sampleSize
        let width = dataset.targetWidth
        slot.count = end - start
        for (row, position) in (start..<end).enumerated() {
            let index = order[position]
            slot.indices[row] = index
            if let augmenter {
                augmenter.write(dataset.values, sample: index, multiplier: multiplier, offset: offset,
                                into: slot.inputs + row * sampleSize)
            } else {
                SampleWriter.write(dataset.values, sample: index, sampleSize: sampleSize,
                                   multiplier: multiplier, offset: offset, into: slot.inputs + row * sampleSize)
            }
            if let labels = dataset.labels { slot.labels[row] = labels[index] }
            if let targets = dataset.targets, width > 0 {
                targets.withUnsafeBufferPointer { source in
                    (slot.targets + row * width).update(from: source.baseAddress! + index * width, count: width)
                }
            }
        }
    }
}

/// One reusable batch buffer, allocated once.
final class BatchSlot {
    let inputs: UnsafeMutablePointer<Float>
    let labels: UnsafeMutablePointer<Int32>
    let targets: UnsafeMutablePointer<Float>
    let indices: UnsafeMutablePointer<Int>
    private let sampleSize: Int
    private let targetWidth: Int
    var count = 0

    init(capacity: Int, sampleSize: Int, targetWidth: Int) {
        self.sampleSize = sampleSize
        self.targetWidth = targetWidth
        inputs = .allocate(capacity: max(capacity * sampleSize, 1))
        labels = .allocate(capacity: capacity)
        targets = .allocate(capacity: max(capacity * targetWidth, 1))
        indices = .allocate(capacity: capacity)
    }

    deinit {
        inputs.deallocate()
        labels.deallocate()
        targets.deallocate()
        indices.deallocate()
    }

    func batch(sampleShape: [Int], hasLabels: Bool, hasTargets: Bool) -> Batch {
        Batch(count: count, sampleShape: sampleShape,
              inputs: UnsafeBufferPointer(start: inputs, count: count * sampleSize),
              labels: hasLabels ? UnsafeBufferPointer(start: labels, count: count) : nil,
              targets: hasTargets ? UnsafeBufferPointer(start: targets, count: count * targetWidth) : nil,
              indices: UnsafeBufferPointer(start: indices, count: count))
    }
}
