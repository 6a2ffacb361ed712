import DLTCore
import DLTOptim
import Testing

@Suite struct AdaGradTests {
    @Test func accumulatesSquaredGradientsFromTheInitialValue() {
        for initial in [Float(0), 0.1] {
            let lr = Double(Float(0.05)), eps = Double(Float(1e-7)), lambda = Double(Float(0.02))
            var sum = [Double](repeating: Double(initial), count: sampleValues.count)
            let worst = compareWithReference(initial: sampleValues, steps: 4, optimizer: {
                AdaGrad(parameters: $0, learningRate: 0.05, initialAccumulator: initial, weightDecay: 0.02)
            }, update: { theta, grad, _ in
                for i in theta.indices {
                    let g = grad[i] + lambda * theta[i]
                    sum[i] += g * g
                    theta[i] -= lr * g / (sum[i].squareRoot() + eps)
                }
            })
            #expect(worst < 1e-5, "initial accumulator \(initial)")
        }
    }

    @Test func stateStartsAtTheInitialAccumulator() {
        let adagrad = AdaGrad(parameters: [makeParameter("dense_1.weight", [1, 2, 3])], initialAccumulator: 0.1)
        #expect(adagrad.stateTensors.map(\.name) == ["dense_1.weight.sum"])
        #expect(adagrad.stateTensors[0].tensor.array == [0.1, 0.1, 0.1])
        #expect(adagrad.learningRate == 1e-2 && adagrad.epsilon == 1e-7)
    }

    @Test func zeroGradientWithZeroAccumulatorDoesNotMoveOrGoNaN() {
        let p = makeParameter("dense_0.weight", [1.5])
        AdaGrad(parameters: [p]).step()
        #expect(p.parameter.value.array == [1.5])
    }
}
