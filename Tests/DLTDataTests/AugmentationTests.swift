import DLTCore
import Foundation
import Testing
@testable import DLTData

/// Each kernel against values worked out by hand, and the draws' independence of order, batch and thread.
@Suite struct AugmentationTests {
    /// [[1, 2, 3], [4, 5, 6], [7, 8, 9]], one channel.
    let square: [Float] = [1, 2, 3, 4, 5, 6, 7, 8, 9]
    let layout3 = ImageLayout(channels: 1, height: 3, width: 3)

    func run(_ image: [Float], _ kernel: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void) -> [Float] {
        var source = image, destination = [Float](repeating: -1, count: image.count)
        source.withUnsafeMutableBufferPointer { s in
            destination.withUnsafeMutableBufferPointer { d in kernel(s.baseAddress!, d.baseAddress!) }
        }
        return destination.allSatisfy({ $0 == -1 }) ? source : destination
    }

    @Test func cropAtAKnownOffsetOfThePaddedImage() {
        // Padding 1, crop offset (2, 0): rows 1-2 of the image, one zero column on the left.
        let out = run(square) { GeometricKernels.shift($0, into: $1, layout: layout3, dy: 1, dx: -1) }
        #expect(out == [0, 4, 5, 0, 7, 8, 0, 0, 0])
        let far = run(square) { GeometricKernels.shift($0, into: $1, layout: layout3, dy: 0, dx: 5) }
        #expect(far == [Float](repeating: 0, count: 9))
    }

    @Test func flipsOfAKnownImage() {
        let twoChannels = square + square.map { $0 * 10 }
        let layout = ImageLayout(channels: 2, height: 3, width: 3)
        #expect(run(twoChannels) { image, _ in GeometricKernels.flipHorizontally(image, layout: layout) }
                == [3, 2, 1, 6, 5, 4, 9, 8, 7, 30, 20, 10, 60, 50, 40, 90, 80, 70])
        #expect(run(square) { image, _ in GeometricKernels.flipVertically(image, layout: layout3) } == [7, 8, 9, 4, 5, 6, 1, 2, 3])
    }

    @Test func rotationBy90DegreesIsNumpysRot90() {
        // np.rot90 (counter-clockwise): [[3, 6, 9], [2, 5, 8], [1, 4, 7]].
        let out = run(square) { GeometricKernels.rotateAndScale($0, into: $1, layout: layout3, angle: .pi / 2, scale: 1) }
        let expected: [Float] = [3, 6, 9, 2, 5, 8, 1, 4, 7]
        #expect(zip(out, expected).allSatisfy { abs($0 - $1) < 1e-5 }, "\(out)")
        // 4x2 is not square: a quarter turn moves most pixels outside, and those read zeros.
        let wide = run([1, 2, 3, 4, 5, 6, 7, 8]) {
            GeometricKernels.rotateAndScale($0, into: $1, layout: ImageLayout(channels: 1, height: 2, width: 4), angle: .pi / 2, scale: 1)
        }
        #expect(wide.filter { abs($0) > 1e-5 }.count < 8)
    }

    @Test func zoomSamplesBilinearlyAboutTheCentre() {
        // f(y, x) = x on 4x4; zoom 2 reads x' = 1.5 + (x - 1.5) / 2 = 0.75, 1.25, 1.75, 2.25.
        let ramp: [Float] = (0..<16).map { Float($0 % 4) }
        let out = run(ramp) { GeometricKernels.rotateAndScale($0, into: $1, layout: ImageLayout(channels: 1, height: 4, width: 4), angle: 0, scale: 2) }
        #expect(Array(out[4..<8]) == [0.75, 1.25, 1.75, 2.25])
        // Zoom 0.5 reads 1.5 + 2 (p - 1.5): x = -1.5 and 4.5 (all taps outside: 0), 0.5, 2.5; row 0 reads y = -1.5.
        let shrunk = run(ramp) { GeometricKernels.rotateAndScale($0, into: $1, layout: ImageLayout(channels: 1, height: 4, width: 4), angle: 0, scale: 0.5) }
        #expect(Array(shrunk[4..<8]) == [0, 0.5, 2.5, 0])
        #expect(Array(shrunk[0..<4]) == [0, 0, 0, 0])
    }

    @Test func brightnessContrastAndCutout() {
        #expect(run([10, 250, 0]) { image, _ in PixelKernels.addBrightness(image, count: 3, amount: 20, clampTo: 255) } == [30, 255, 20])
        #expect(run([0.5, -1]) { image, _ in PixelKernels.addBrightness(image, count: 2, amount: -0.25, clampTo: nil) } == [0.25, -1.25])
        // Mean 4: (x - 4) * 2 + 4.
        #expect(run([2, 4, 6, 4]) { image, _ in
            PixelKernels.scaleContrast(image, layout: ImageLayout(channels: 1, height: 2, width: 2), factor: 2, clampTo: 255)
        } == [0, 4, 8, 4])
        // A 2x2 square at (-1, 1): only its bottom row is inside.
        #expect(run(square) { image, _ in PixelKernels.cutout(image, layout: layout3, top: -1, left: 1, size: 2) } == [1, 0, 0, 4, 5, 6, 7, 8, 9])
    }

    /// 40 random 2x6x6 byte images.
    func images(count: Int = 40) -> Dataset {
        var random = SeededRandom(seed: 3)
        return Dataset(sampleShape: [2, 6, 6], count: count, values: .uint8((0..<(count * 72)).map { _ in UInt8(random.below(256)) }),
                       labels: (0..<count).map { Int32($0 % 10) })
    }

    let everything: [ImageTransform] = [.randomCrop(padding: 2), .flip(horizontal: true, vertical: true), .rotate(degrees: 20),
                                        .zoom(low: 0.8, high: 1.2), .translate(fraction: 0.2), .brightness(delta: 0.2),
                                        .contrast(low: 0.7, high: 1.3), .cutout(size: 3)]

    /// Every batch of `batcher`, by dataset index.
    func rows(_ batcher: Batcher) -> [Int: [Float]] {
        var rows: [Int: [Float]] = [:]
        while let batch = batcher.next() {
            for row in 0..<batch.count { rows[batch.indices[row]] = Array(batch.inputs[(row * 72)..<((row + 1) * 72)]) }
        }
        return rows
    }

    @Test func sameSeedSameBatchesWithOneOrTwoBatcherThreads() throws {
        let data = images(), augmentation = Augmentation(transforms: everything, seed: 9, epoch: 2)
        let order = SeededRandom(seed: 1).permutationOf(data.count)
        let scale = Normalization(scale: 255)
        let one = rows(try Batcher(dataset: data, order: order, batchSize: 7, normalization: scale, augmentation: augmentation))
        // Two batchers, each with half of the order and another batch size: each starts its own
        // producer thread on creation, so both fill at once.
        let first = try Batcher(dataset: data, order: Array(order[..<15]), batchSize: 4, normalization: scale, augmentation: augmentation)
        let second = try Batcher(dataset: data, order: Array(order[15...]), batchSize: 5, normalization: scale, augmentation: augmentation)
        let two = rows(first).merging(rows(second)) { a, _ in a }
        #expect(one.count == data.count)
        #expect(one == two)
        let plain = rows(try Batcher(dataset: data, order: order, batchSize: 7, normalization: scale))
        #expect(plain != one, "augmentation changes the samples")
        let nextEpoch = rows(try Batcher(dataset: data, order: order, batchSize: 7, normalization: scale,
                                         augmentation: Augmentation(transforms: everything, seed: 9, epoch: 3)))
        #expect(nextEpoch != one, "another epoch draws again")
    }

    @Test func flipHappensWithProbabilityOneHalf() throws {
        let data = images(count: 400)
        let augmenter = try Augmenter(Augmentation(transforms: [.flip(horizontal: true, vertical: false)], seed: 1, epoch: 0),
                                      sampleShape: data.sampleShape, values: data.values)
        let flipped = augmenter.augmentedSamples(data.values, indices: Array(0..<400))
        guard case .uint8(let after) = flipped, case .uint8(let before) = data.values else { Issue.record("bytes stay bytes"); return }
        let changed = (0..<400).filter { after[($0 * 72)..<($0 * 72 + 72)] != before[($0 * 72)..<($0 * 72 + 72)] }.count
        #expect(changed > 160 && changed < 240, "\(changed) of 400 flipped")
    }

    @Test func vectorSamplesCannotBeAugmented() {
        #expect(throws: DataError.self) {
            try Augmenter(Augmentation(transforms: [.flip(horizontal: true, vertical: false)], seed: 1, epoch: 0),
                          sampleShape: [784], values: .float([]))
        }
    }
}

extension SeededRandom {
    /// A shuffled 0..<count.
    func permutationOf(_ count: Int) -> [Int] {
        var copy = self
        return copy.permutation(count)
    }
}
