import DLTCore
import DLTNN
import DLTTestSupport
import Testing

/// The checker itself must fail on wrong layers, or every gradient test that calls it proves nothing.
struct GradientCheckTests {
    /// y = 3x, with a configurable mistake in backward.
    final class TripleLayer: Layer {
        enum Mistake { case none, wrongScale, accumulatesInput }
        let name = "triple"
        var typeName: String { "triple" }
        var parameters: [Parameter] { [] }
        let mistake: Mistake
        init(_ mistake: Mistake) { self.mistake = mistake }
        func build(inputShapes: [Shape]) throws -> Shape { inputShapes[0] }
        var flopsPerSample: Int { 0 }
        func forward(inputs: [Tensor], output: Tensor, context: LayerContext) {
            for i in 0..<output.count { output[i] = 3 * inputs[0][i] }
        }
        func backward(inputs: [Tensor], output: Tensor, outputGradient: Tensor,
                      inputGradients: [Tensor?], context: LayerContext) {
            guard let dx = inputGradients[0] else { return }
            for i in 0..<dx.count {
                switch mistake {
                case .none: dx[i] = 3 * outputGradient[i]
                case .wrongScale: dx[i] = 2.9 * outputGradient[i]
                case .accumulatesInput: dx[i] += 3 * outputGradient[i]
                }
            }
        }
    }

    @Test func acceptsACorrectLayer() throws {
        let report = try GradientCheck().run(TripleLayer(.none), inputShapes: [[4]])
        #expect(report.failures.isEmpty)
        #expect(report.checked == 8)
    }

    @Test func catchesAWrongGradient() throws {
        let report = try GradientCheck().run(TripleLayer(.wrongScale), inputShapes: [[4]])
        #expect(report.failures.count == 8)
    }

    @Test func catchesAnInputGradientThatIsNotOverwritten() throws {
        let report = try GradientCheck().run(TripleLayer(.accumulatesInput), inputShapes: [[4]])
        #expect(report.failures.contains { $0.contains("not overwritten") })
    }

    @Test func catchesAParameterGradientThatIsNotAccumulated() throws {
        /// Dense whose backward zeroes the weight gradient first: overwrites instead of adding.
        final class OverwritingDense: Layer {
            let inner = Dense(name: "d", units: 2)
            var name: String { "overwriting" }
            var typeName: String { "dense" }
            var parameters: [Parameter] { inner.parameters }
            func build(inputShapes: [Shape]) throws -> Shape { try inner.build(inputShapes: inputShapes) }
            var flopsPerSample: Int { 0 }
            func forward(inputs: [Tensor], output: Tensor, context: LayerContext) {
                inner.forward(inputs: inputs, output: output, context: context)
            }
            func backward(inputs: [Tensor], output: Tensor, outputGradient: Tensor,
                          inputGradients: [Tensor?], context: LayerContext) {
                for p in parameters { p.gradient.zero() }
                inner.backward(inputs: inputs, output: output, outputGradient: outputGradient,
                               inputGradients: inputGradients, context: context)
            }
        }
        let report = try GradientCheck().run(OverwritingDense(), inputShapes: [[3]])
        #expect(report.failures.contains { $0.contains("not accumulated") })
    }

    @Test func reportsReluKinksInsteadOfFailing() throws {
        // Inputs on a grid 0.005 apart put some within one step (0.01) of relu's kink at 0.
        var check = GradientCheck()
        check.inputs = .spaced(0.005)
        check.batch = 4
        let report = try check.run(ActivationLayer(name: "relu", activation: .relu), inputShapes: [[10]])
        #expect(report.failures.isEmpty, "\(report)")
        #expect(report.kinks > 0)
    }
}

/// The closure form that loss and graph tests use: L = Σ x², so dL/dx = 2x.
struct FiniteDifferenceTests {
    @Test func acceptsTheRightGradientAndNamesEveryWrongElement() {
        let x = Tensor(shape: [5], values: [-1, -0.5, 0, 0.5, 2])
        let loss = { (0..<x.count).reduce(0.0) { $0 + Double(x[$1]) * Double(x[$1]) } }
        var right = GradientReport()
        FiniteDifference().check(x, analytic: x.array.map { 2 * $0 }, name: "x", loss: loss, report: &right)
        #expect(right.failures.isEmpty && right.checked == 5, "\(right)")

        var wrong = GradientReport()
        FiniteDifference().check(x, analytic: x.array.map { 3 * $0 }, name: "x", loss: loss, report: &wrong)
        #expect(wrong.failures.count == 4, "\(wrong)")  // x = 0 has gradient 0 either way
        #expect(x.array == [-1, -0.5, 0, 0.5, 2], "the checker restores every value it moved")
    }
}
