import DLTCore
import Testing
@testable import DLTTrain

/// The PolynomialDecay schedule and the magnitude masks of `train.prune`.
@Suite struct PruningTests {
    let schedule = PolynomialDecay(initialSparsity: 0.2, finalSparsity: 0.8, beginStep: 10, endStep: 110, frequency: 25, power: 3)

    @Test func sparsityFollowsTFMOTsPolynomialDecay() {
        #expect(abs(schedule.sparsity(atStep: 0) - 0.2) < 1e-12)
        #expect(abs(schedule.sparsity(atStep: 10) - 0.2) < 1e-12)
        #expect(abs(schedule.sparsity(atStep: 60) - (0.8 + (0.2 - 0.8) * 0.125)) < 1e-12)   // halfway: (1 - 0.5)^3
        #expect(schedule.sparsity(atStep: 110) == 0.8)
        #expect(schedule.sparsity(atStep: 500) == 0.8)
    }

    @Test func masksUpdateEveryFrequencyStepsInsideTheRange() {
        let steps = (0...200).filter(schedule.updatesMask(atStep:))
        #expect(steps == [10, 35, 60, 85, 110])
    }

    @Test func maskZeroesTheSmallestMagnitudesWithTiesByIndex() {
        let weights = Tensor(shape: [2, 4]), mask = Tensor(shape: [2, 4])
        _ = weights.buffer.update(fromContentsOf: [0.5, -0.1, 0.3, -0.7, 0.1, 0.9, -0.2, 0.0] as [Float])
        MagnitudePruner.updateMask(mask, weights: weights, sparsity: 0.5)
        #expect(mask.array == [1, 0, 1, 1, 0, 1, 0, 0])   // 0.0, then -0.1 and 0.1 (earlier first), then -0.2
        MagnitudePruner.updateMask(mask, weights: weights, sparsity: 0.99)
        #expect(mask.array.reduce(0, +) == 1 && mask.array[5] == 1)   // at least the largest stays
    }
}
