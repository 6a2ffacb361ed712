import DLTCore
import DLTOptim
import Foundation
import Testing

/// Adam's update with bias corrections, in Double: the formula of torch.optim.Adam.
func adamReference(beta1: Double, beta2: Double, epsilon: Double, lr: Double, l2: Double = 0,
                   decoupled: Double = 0, count: Int) -> (inout [Double], [Double], Int) -> Void {
    var m = [Double](repeating: 0, count: count), v = m
    return { theta, grad, t in
        for i in theta.indices {
            theta[i] *= 1 - lr * decoupled
            let g = grad[i] + l2 * theta[i]
            m[i] = beta1 * m[i] + (1 - beta1) * g
            v[i] = beta2 * v[i] + (1 - beta2) * g * g
            let mHat = m[i] / (1 - pow(beta1, Double(t)))
            let vHat = v[i] / (1 - pow(beta2, Double(t)))
            theta[i] -= lr * mHat / (vHat.squareRoot() + epsilon)
        }
    }
}

@Suite struct AdamTests {
    @Test func followsTheBiasCorrectedFormulaStepByStep() {
        let worst = compareWithReference(initial: sampleValues, steps: 5, optimizer: {
            Adam(parameters: $0, learningRate: 0.01)
        }, update: adamReference(beta1: 0.9, beta2: 0.999, epsilon: Double(Float(1e-7)), lr: Double(Float(0.01)),
                                 count: sampleValues.count))
        #expect(worst < 1e-5)
    }

    @Test func weightDecayIsL2AddedToTheGradient() {
        let worst = compareWithReference(initial: sampleValues, steps: 4, optimizer: {
            Adam(parameters: $0, learningRate: 0.02, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, weightDecay: 0.1)
        }, update: adamReference(beta1: Double(Float(0.8)), beta2: Double(Float(0.99)), epsilon: Double(Float(1e-6)),
                                 lr: Double(Float(0.02)), l2: Double(Float(0.1)), count: sampleValues.count))
        #expect(worst < 1e-5)
    }

    @Test func resumingFromSavedStateMatchesAnUninterruptedRun() {
        let straight = makeParameter("dense_0.weight", sampleValues)
        let first = makeParameter("dense_0.weight", sampleValues)
        let adam = Adam(parameters: [straight], learningRate: 0.01)
        let before = Adam(parameters: [first], learningRate: 0.01)
        for step in 1...3 {
            let g = syntheticGradient(theta: sampleValues.map(Double.init), step: step)
            set(straight.parameter.gradient, g)
            set(first.parameter.gradient, g)
            adam.step()
            if step < 3 { before.step() }
        }
        // A new optimizer takes the saved slots and step count, then takes step 3.
        let resumed = makeParameter("dense_0.weight", first.parameter.value.array)
        let after = Adam(parameters: [resumed], learningRate: 0.01)
        #expect(after.stateTensors.map(\.name) == ["dense_0.weight.exp_avg", "dense_0.weight.exp_avg_sq"])
        for (target, saved) in zip(after.stateTensors, before.stateTensors) { target.tensor.copy(from: saved.tensor) }
        after.restore(stepCount: before.stepCount)
        resumed.parameter.gradient.copy(from: first.parameter.gradient)
        after.step()
        #expect(resumed.parameter.value.array == straight.parameter.value.array)
        #expect(after.stepCount == 3)
    }

    @Test func frozenParametersKeepTheirValuesAndSlots() {
        let frozen = makeParameter("dense_0.weight", [1, -1])
        frozen.parameter.isFrozen = true
        frozen.parameter.gradient.fill(3)
        let adam = Adam(parameters: [frozen])
        adam.step()
        #expect(frozen.parameter.value.array == [1, -1])
        #expect(adam.stateTensors.allSatisfy { $0.tensor.array == [0, 0] })
    }
}
