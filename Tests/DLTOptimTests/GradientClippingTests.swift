import DLTCore
import DLTOptim
import Testing

@Suite struct GradientClippingTests {
    @Test func scalesEveryGradientToTheMaximumNormAndReturnsTheOldNorm() {
        let a = makeParameter("dense_0.weight", [0, 0]), b = makeParameter("dense_0.bias", [0])
        set(a.parameter.gradient, [3, 0])
        set(b.parameter.gradient, [4])
        let norm = clipGradientsByGlobalNorm([a, b], maxNorm: 1)
        #expect(norm == 5)
        let scale = Float(1 / (5 + 1e-6))
        #expect(a.parameter.gradient.array == [3 * scale, 0])
        #expect(b.parameter.gradient.array == [4 * scale])
    }

    @Test func leavesSmallGradientsAlone() {
        let a = makeParameter("dense_0.weight", [0, 0])
        set(a.parameter.gradient, [0.3, -0.4])
        let norm = clipGradientsByGlobalNorm([a], maxNorm: 1)
        #expect(abs(norm - 0.5) < 1e-7)
        #expect(a.parameter.gradient.array == [0.3, -0.4])
    }

    @Test func frozenGradientsNeitherCountNorScale() {
        let live = makeParameter("dense_1.weight", [0])
        let frozen = makeParameter("dense_0.weight", [0])
        frozen.parameter.isFrozen = true
        live.parameter.gradient.fill(2)
        frozen.parameter.gradient.fill(100)
        let norm = clipGradientsByGlobalNorm([frozen, live], maxNorm: 1)
        #expect(norm == 2)
        #expect(frozen.parameter.gradient.array == [100])
        #expect(abs(live.parameter.gradient[0] - 1) < 1e-6)
    }
}
