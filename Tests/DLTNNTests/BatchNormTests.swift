import DLTCore
import DLTNN
import DLTTestSupport
import Testing

struct BatchNormTests {
    /// Two channels of (N=2, C=2, 1x2): channel 0 holds 1, 2, 3, 4; channel 1 holds 10, 10, 10, 30.
    static let values: [Float] = [1, 2, 10, 10, 3, 4, 10, 30]

    @Test func buildSetsPyTorchInitialValues() throws {
        let bn = BatchNorm(name: "bn")
        #expect(try bn.build(inputShapes: [[3, 4, 4]]) == [3, 4, 4])
        #expect(bn.parameters.map(\.name) == ["weight", "bias", "running_mean", "running_var"])
        #expect(bn.parameters.map(\.isTrainable) == [true, true, false, false])
        #expect(bn.weight.value.array == [1, 1, 1])
        #expect(bn.bias.value.array == [0, 0, 0])
        #expect(bn.runningMean.value.array == [0, 0, 0])
        #expect(bn.runningVar.value.array == [1, 1, 1])
    }

    @Test func trainingNormalisesWithBatchStatisticsAndUpdatesRunningOnes() throws {
        let bn = BatchNorm(name: "bn", momentum: 0.1, epsilon: 1e-5)
        let y = try forwardOnce(bn, inputShapes: [[2, 1, 2]], batch: 2, values: [Self.values], training: true)
        // Channel 0: mean 2.5, biased variance 1.25, unbiased 5/3.
        let inv0 = 1 / (1.25 + 1e-5 as Float).squareRoot()
        #expect(allClose([y[0], y[1], y[4], y[5]], [-1.5, -0.5, 0.5, 1.5].map { $0 * inv0 }))
        // Channel 1: mean 15, biased variance 75, unbiased 100.
        let inv1 = 1 / (75 + 1e-5 as Float).squareRoot()
        #expect(allClose([y[2], y[3], y[6], y[7]], [-5, -5, -5, 15].map { $0 * inv1 }))
        #expect(allClose(bn.runningMean.value.array, [0.25, 1.5]))
        let expectedVar: [Float] = [0.9 + 0.1 * 5 / 3, 0.9 + 0.1 * 100]
        #expect(allClose(bn.runningVar.value.array, expectedVar, tolerance: 1e-4))
    }

    /// Vectors (N, F) take their own row-by-row loops: the same statistics for the same values.
    @Test func trainingNormalisesVectorsLikePlanes() throws {
        let bn = BatchNorm(name: "bn", momentum: 0.1, epsilon: 1e-5)
        let y = try forwardOnce(bn, inputShapes: [[2]], batch: 4, values: [[1, 10, 2, 10, 3, 10, 4, 30]], training: true)
        let inv0 = 1 / (1.25 + 1e-5 as Float).squareRoot(), inv1 = 1 / (75 + 1e-5 as Float).squareRoot()
        #expect(allClose([y[0], y[2], y[4], y[6]], [-1.5, -0.5, 0.5, 1.5].map { $0 * inv0 }))
        #expect(allClose([y[1], y[3], y[5], y[7]], [-5, -5, -5, 15].map { $0 * inv1 }))
        #expect(allClose(bn.runningMean.value.array, [0.25, 1.5]))
        let expectedVar: [Float] = [0.9 + 0.1 * 5 / 3, 0.9 + 0.1 * 100]
        #expect(allClose(bn.runningVar.value.array, expectedVar, tolerance: 1e-4))
    }

    @Test func evaluationUsesRunningStatisticsAndLeavesThemAlone() throws {
        let bn = BatchNorm(name: "bn", epsilon: 1e-3)
        let y = try forwardOnce(bn, inputShapes: [[2, 1, 2]], batch: 2, values: [Self.values], training: false) {
            bn.runningMean.value[0] = 1; bn.runningMean.value[1] = -2
            bn.runningVar.value[0] = 4; bn.runningVar.value[1] = 0.25
            bn.weight.value[1] = 2; bn.bias.value[0] = 0.5
        }
        let s0 = 1 / (4 + 1e-3 as Float).squareRoot(), s1 = 2 / (0.25 + 1e-3 as Float).squareRoot()
        let expected: [Float] = [0 * s0 + 0.5, 1 * s0 + 0.5, 12 * s1, 12 * s1, 2 * s0 + 0.5, 3 * s0 + 0.5, 12 * s1, 32 * s1]
        #expect(allClose(y.array, expected, tolerance: 1e-4))
        #expect(bn.runningMean.value.array == [1, -2])
        #expect(bn.runningVar.value.array == [4, 0.25])
    }

    @Test(arguments: [([3, 4, 5] as Shape, true), ([6], true), ([2, 3], true), ([3, 2, 3], false), ([5], false)] as [(Shape, Bool)])
    func gradients(input: Shape, training: Bool) throws {
        var check = GradientCheck()
        check.batch = 4
        check.training = training
        check.step = 3e-3
        try check.expectCorrect(BatchNorm(name: "batchnorm_0"), inputShapes: [input])
    }

    @Test func rejectsBadSettingsNamingTheLayer() {
        let momentum = engineError { _ = try BatchNorm(name: "bn_m", momentum: 1.5).build(inputShapes: [[4]]) }
        #expect(momentum?.message.contains("bn_m") == true)
        let shape = engineError { _ = try BatchNorm(name: "bn_s").build(inputShapes: [[0, 3]]) }
        #expect(shape?.message.contains("bn_s") == true)
    }
}
