import DLTCore
import DLTOptim
import Testing

@Suite struct SGDTests {
    @Test func plainStepWithWeightDecayIsThetaMinusLrGradMinusLrLambdaTheta() {
        let lr = 0.1, lambda = 0.01
        let worst = compareWithReference(initial: sampleValues, steps: 4, optimizer: {
            SGD(parameters: $0, learningRate: Float(lr), weightDecay: Float(lambda))
        }, update: { theta, g, _ in
            for i in theta.indices { theta[i] = theta[i] - lr * g[i] - lr * lambda * theta[i] }
        })
        #expect(worst < 1e-5)
    }

    @Test func momentumKeepsABufferStartingAtTheFirstGradient() {
        let lr = 0.05, mu = 0.9, lambda = 0.001
        var buffer = [Double](repeating: 0, count: sampleValues.count)
        let worst = compareWithReference(initial: sampleValues, steps: 5, optimizer: {
            SGD(parameters: $0, learningRate: Float(lr), momentum: Float(mu), weightDecay: Float(lambda))
        }, update: { theta, g, t in
            for i in theta.indices {
                let d = g[i] + lambda * theta[i]
                buffer[i] = t == 1 ? d : mu * buffer[i] + d
                theta[i] -= lr * buffer[i]
            }
        })
        #expect(worst < 1e-5)
    }

    @Test func nesterovStepsAlongGradientPlusMomentumTimesBuffer() {
        let lr = 0.05, mu = 0.8
        var buffer = [Double](repeating: 0, count: sampleValues.count)
        let worst = compareWithReference(initial: sampleValues, steps: 4, optimizer: {
            SGD(parameters: $0, learningRate: Float(lr), momentum: Float(mu), nesterov: true)
        }, update: { theta, g, _ in
            for i in theta.indices {
                buffer[i] = mu * buffer[i] + g[i]
                theta[i] -= lr * (g[i] + mu * buffer[i])
            }
        })
        #expect(worst < 1e-5)
    }

    @Test func frozenAndNonTrainableParametersAreLeftUnchanged() {
        let live = makeParameter("dense_0.weight", [1, 2])
        let frozen = makeParameter("conv_0.weight", [3, 4])
        frozen.parameter.isFrozen = true
        let running = makeParameter("bn_0.running_mean", [5, 6], trainable: false)
        for p in [live, frozen] { p.parameter.gradient.fill(1) }
        let sgd = SGD(parameters: [live, frozen, running], learningRate: 0.5, momentum: 0.9)
        sgd.step()
        sgd.step()
        // b = 1 then 1.9: θ = θ0 − 0.5 − 0.5 · 1.9.
        let expected: [Double] = [1 - 0.5 - 0.95, 2 - 0.5 - 0.95]
        #expect(zip(live.parameter.value.array, expected).allSatisfy { abs(Double($0) - $1) < 1e-6 })
        #expect(frozen.parameter.value.array == [3, 4])
        #expect(running.parameter.value.array == [5, 6])
        #expect(sgd.stateTensors.map(\.name) == ["dense_0.weight.momentum_buffer", "conv_0.weight.momentum_buffer"])
        #expect(sgd.stepCount == 2)
    }

    @Test func plainSGDHasNoStateAndRestoresItsStepCount() {
        let sgd = SGD(parameters: [makeParameter("dense_0.weight", [1])], learningRate: 0.1)
        #expect(sgd.stateTensors.isEmpty)
        sgd.restore(stepCount: 17)
        sgd.step()
        #expect(sgd.stepCount == 18)
    }
}
