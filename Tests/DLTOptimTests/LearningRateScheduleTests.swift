import DLTCore
import DLTOptim
import Foundation
import Testing

@Suite struct LearningRateScheduleTests {
    func rates(_ kind: ScheduleKind, base: Float = 0.1, stepsPerEpoch: Int = 10, total: Int = 100,
               warmup: Int = 0, at steps: [Int]) throws -> [Float] {
        let schedule = try ScheduledLearningRate(baseLearningRate: base, kind: kind, stepsPerEpoch: stepsPerEpoch,
                                                 totalSteps: total, warmupSteps: warmup)
        return steps.map { schedule.learningRate(atStep: $0) }
    }

    func close(_ a: [Float], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs(Double($0) - $1) <= 1e-6 * max(abs($1), 1e-3) }
    }

    @Test func constantNeverChanges() throws {
        #expect(try rates(.constant, at: [0, 9, 10, 99, 500]) == [0.1, 0.1, 0.1, 0.1, 0.1])
    }

    @Test func stepDecaysEveryStepSizeEpochs() throws {
        // 10 steps per epoch, decay every 2 epochs: the rate changes at steps 20, 40, ...
        let r = try rates(.step(stepSize: 2, gamma: 0.5), at: [0, 19, 20, 39, 40, 65])
        #expect(close(r, [0.1, 0.1, 0.05, 0.05, 0.025, 0.0125]))
    }

    @Test func multiStepDecaysAtEachMilestoneEpoch() throws {
        let r = try rates(.multiStep(milestones: [3, 5], gamma: 0.1), at: [0, 29, 30, 49, 50, 99])
        #expect(close(r, [0.1, 0.1, 0.01, 0.01, 0.001, 0.001]))
    }

    @Test func exponentialDecaysOncePerEpoch() throws {
        let r = try rates(.exponential(gamma: 0.9), at: [0, 9, 10, 25])
        #expect(close(r, [0.1, 0.1, 0.09, 0.1 * 0.81]))
    }

    @Test func cosineRunsFromBaseToMinimumOverTotalSteps() throws {
        let r = try rates(.cosine(minLearningRate: 0.001), at: [0, 25, 50, 100, 150])
        let expected = [0, 25, 50, 100, 100].map { s in 0.001 + (0.1 - 0.001) * (1 + cos(Double.pi * Double(s) / 100)) / 2 }
        #expect(close(r, expected))
        #expect(close([r[2]], [0.0505]))
    }

    @Test func warmupRampsLinearlyThenHandsOverToTheDecay() throws {
        // Warmup of 4 steps: η(step+1)/4, then constant.
        let constant = try rates(.constant, warmup: 4, at: [0, 1, 2, 3, 4, 50])
        #expect(close(constant, [0.025, 0.05, 0.075, 0.1, 0.1, 0.1]))
        // Cosine counts its progress after warmup: full rate at step 20, minimum at step 100.
        let cosine = try rates(.cosine(minLearningRate: 0), warmup: 20, at: [0, 19, 20, 60, 100])
        let expectedCosine: [Double] = [0.1 / 20, 0.1, 0.1, 0.05, 0]
        #expect(close(cosine, expectedCosine))
        // Epoch-based decays keep their epochs: a warmup of 15 steps scales the first 15 steps only.
        let step = try rates(.step(stepSize: 1, gamma: 0.5), warmup: 15, at: [0, 9, 10, 14, 15])
        let expected: [Double] = [0.1 / 15, 0.1 * 10 / 15, 0.05 * 11 / 15, 0.05, 0.05]
        #expect(close(step, expected))
    }

    @Test func impossibleSizesAreErrors() {
        #expect(throws: EngineError.self) { try rates(.constant, stepsPerEpoch: 0, at: []) }
        #expect(throws: EngineError.self) { try rates(.step(stepSize: 0, gamma: 0.1), at: []) }
        #expect(throws: EngineError.self) { try rates(.constant, warmup: -1, at: []) }
    }
}
