import DLTCore
import DLTOptim
import Testing

@Suite struct RMSPropTests {
    @Test func dividesByTheRootOfARunningMeanSquare() {
        let lr = Double(Float(0.01)), rho = Double(Float(0.9)), eps = Double(Float(1e-7))
        var square = [Double](repeating: 0, count: sampleValues.count)
        let worst = compareWithReference(initial: sampleValues, steps: 4, optimizer: {
            RMSProp(parameters: $0, learningRate: 0.01)
        }, update: { theta, g, _ in
            for i in theta.indices {
                square[i] = rho * square[i] + (1 - rho) * g[i] * g[i]
                theta[i] -= lr * g[i] / (square[i].squareRoot() + eps)
            }
        })
        #expect(worst < 1e-5)
    }

    @Test func momentumAndWeightDecayFollowPyTorch() {
        let lr = Double(Float(0.005)), rho = Double(Float(0.95)), eps = Double(Float(1e-6))
        let mu = Double(Float(0.7)), lambda = Double(Float(0.03))
        var square = [Double](repeating: 0, count: sampleValues.count), buffer = square
        let worst = compareWithReference(initial: sampleValues, steps: 5, optimizer: {
            RMSProp(parameters: $0, learningRate: 0.005, rho: 0.95, epsilon: 1e-6, momentum: 0.7, weightDecay: 0.03)
        }, update: { theta, grad, _ in
            for i in theta.indices {
                let g = grad[i] + lambda * theta[i]
                square[i] = rho * square[i] + (1 - rho) * g * g
                buffer[i] = mu * buffer[i] + g / (square[i].squareRoot() + eps)
                theta[i] -= lr * buffer[i]
            }
        })
        #expect(worst < 1e-5)
    }

    @Test func slotNamesFollowMomentum() {
        let p = [makeParameter("conv2d_0.bias", [1])]
        #expect(RMSProp(parameters: p).stateTensors.map(\.name) == ["conv2d_0.bias.square_avg"])
        #expect(RMSProp(parameters: p, momentum: 0.5).stateTensors.map(\.name)
                == ["conv2d_0.bias.square_avg", "conv2d_0.bias.momentum_buffer"])
    }
}
