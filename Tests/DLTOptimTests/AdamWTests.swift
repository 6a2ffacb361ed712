import DLTCore
import DLTOptim
import Testing

@Suite struct AdamWTests {
    @Test func decaysWeightsDirectlyThenTakesTheAdamStep() {
        let worst = compareWithReference(initial: sampleValues, steps: 4, optimizer: {
            AdamW(parameters: $0, learningRate: 0.01, weightDecay: 0.05)
        }, update: adamReference(beta1: 0.9, beta2: 0.999, epsilon: Double(Float(1e-7)), lr: Double(Float(0.01)),
                                 decoupled: Double(Float(0.05)), count: sampleValues.count))
        #expect(worst < 1e-5)
    }

    @Test func withZeroGradientOnlyTheDecayActsUnlikeAdamsL2() {
        // AdamW: m stays 0, so θ ← θ(1 − ηλ) exactly. Adam's L2 feeds λθ through the moments,
        // which normalise it to a step of about η: the two must differ.
        let decoupled = makeParameter("dense_0.weight", [2, -4])
        let coupled = makeParameter("dense_0.weight", [2, -4])
        AdamW(parameters: [decoupled], learningRate: 0.1, weightDecay: 0.2).step()
        Adam(parameters: [coupled], learningRate: 0.1, weightDecay: 0.2).step()
        let adamWValues = decoupled.parameter.value.array, adamValues = coupled.parameter.value.array
        #expect(abs(adamWValues[0] - 2 * 0.98) < 1e-6 && abs(adamWValues[1] - -4 * 0.98) < 1e-6)
        // Adam's first step is η·sign(g) (m̂/√v̂ = ±1): 2 − 0.1 and −4 + 0.1.
        #expect(abs(adamValues[0] - 1.9) < 1e-5 && abs(adamValues[1] - -3.9) < 1e-5)
    }

    @Test func defaultsMatchPyTorchDecay() {
        let adamW = AdamW(parameters: [])
        #expect(adamW.weightDecay == 0.01 && adamW.learningRate == 1e-3 && adamW.decouplesWeightDecay)
    }
}
