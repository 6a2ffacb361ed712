import Testing
@testable import DLTData

@Suite struct BatcherTests {
    /// `count` samples of shape [2]; sample i holds (i, 100 + i) mod 256, label i % 3, target 0.5 * i.
    func dataset(count: Int) -> Dataset {
        Dataset(sampleShape: [2], count: count,
                values: .uint8((0..<count).flatMap { [UInt8($0 % 256), UInt8((100 + $0) % 256)] }),
                labels: (0..<count).map { Int32($0 % 3) }, targets: (0..<count).map { Float($0) * 0.5 }, targetWidth: 1)
    }

    @Test func batchesFollowTheOrderAndLastIsPartial() throws {
        let order = [4, 0, 6, 2, 1, 5, 3]
        let batcher = try Batcher(dataset: dataset(count: 7), order: order, batchSize: 3)
        #expect(batcher.batchCount == 3)
        var seen: [Int] = []
        var sizes: [Int] = []
        while let batch = batcher.next() {
            sizes.append(batch.count)
            #expect(batch.shape == [batch.count, 2])
            for row in 0..<batch.count {
                let index = batch.indices[row]
                seen.append(index)
                #expect(batch.inputs[row * 2] == Float(index))
                #expect(batch.inputs[row * 2 + 1] == Float(100 + index))
                #expect(batch.labels?[row] == Int32(index % 3))
                #expect(batch.targets?[row] == Float(index) * 0.5)
            }
        }
        #expect(seen == order)
        #expect(sizes == [3, 3, 1])
        #expect(batcher.next() == nil)
    }

    @Test func normalizationIsApplied() throws {
        let batcher = try Batcher(dataset: dataset(count: 2), order: [1], batchSize: 4,
                                  normalization: Normalization(scale: 2, mean: [1], std: [0.5]))
        let batch = try #require(batcher.next())
        // (raw / 2 - 1) / 0.5 for raw 1 and 101.
        #expect(Array(batch.inputs) == [-1, 99])
    }

    @Test func sameOrderGivesSameBatches() throws {
        let data = dataset(count: 50)
        let order = (0..<50).map { ($0 * 17) % 50 }
        func collect() throws -> [[Float]] {
            let batcher = try Batcher(dataset: data, order: order, batchSize: 8)
            var batches: [[Float]] = []
            while let batch = batcher.next() { batches.append(Array(batch.inputs)) }
            return batches
        }
        let first = try collect()
        #expect(first.count == 7)
        #expect(try collect() == first)
    }

    @Test func manyBatchesThroughTwoBuffers() throws {
        // More batches than buffers: each buffer is refilled many times while the consumer reads.
        let data = dataset(count: 200)
        let order = Array((0..<200).reversed()) + Array(0..<200)
        let batcher = try Batcher(dataset: data, order: order, batchSize: 3)
        var total = 0
        var position = 0
        while let batch = batcher.next() {
            for row in 0..<batch.count {
                #expect(batch.indices[row] == order[position])
                #expect(batch.inputs[row * 2] == Float(UInt8(truncatingIfNeeded: order[position])))
                position += 1
            }
            total += batch.count
        }
        #expect(total == 400)
    }

    @Test func droppingABatcherEarlyStopsItsThread() throws {
        for _ in 0..<20 {
            let batcher = try Batcher(dataset: dataset(count: 30), order: Array(0..<30), batchSize: 2)
            _ = batcher.next()
        }
    }

    @Test func emptyOrderAndBadArguments() throws {
        let empty = try Batcher(dataset: dataset(count: 3), order: [], batchSize: 2)
        #expect(empty.next() == nil)
        #expect(dataErrorText { try Batcher(dataset: dataset(count: 3), order: [0, 3], batchSize: 2) }
            == "batcher: sample index 3 is outside 0..<3")
        #expect(dataErrorText { try Batcher(dataset: dataset(count: 3), order: [0], batchSize: 0) }
            .contains("batch size must be positive"))
    }
}

extension Batch: Equatable {
    public static func == (lhs: Batch, rhs: Batch) -> Bool {
        lhs.count == rhs.count && Array(lhs.inputs) == Array(rhs.inputs)
    }
}
