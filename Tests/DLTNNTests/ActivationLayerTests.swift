import DLTCore
import DLTNN
import DLTTestSupport
import Foundation
import Testing

struct ActivationLayerTests {
    @Test func typeNameIsTheActivationName() {
        #expect(ActivationLayer(name: "a", activation: .leakyRelu(alpha: 0.2)).typeName == "leaky_relu")
        #expect(ActivationLayer(name: "a", activation: .softmax).typeName == "softmax")
    }

    @Test func elementwiseValues() throws {
        let x: [Float] = [-2, -0.5, 0.5, 3]
        func run(_ a: Activation) throws -> [Float] {
            try forwardOnce(ActivationLayer(name: "a", activation: a), inputShapes: [[4]], batch: 1, values: [x]).array
        }
        #expect(try run(.relu) == [0, 0, 0.5, 3])
        #expect(allClose(try run(.leakyRelu(alpha: 0.1)), [-0.2, -0.05, 0.5, 3]))
        #expect(allClose(try run(.sigmoid), x.map { 1 / (1 + exp(-$0)) }))
        #expect(allClose(try run(.tanh), x.map { Foundation.tanh($0) }))
        #expect(allClose(try run(.gelu), x.map { 0.5 * $0 * (1 + erf($0 / 2.0.squareRoot().float)) }))
    }

    /// PyTorch's dim=1: over channels of (N, C, H, W), over L of (N, L, D).
    @Test(arguments: [[3, 2, 2] as Shape, [4, 3], [5]])
    func softmaxRunsOverTheFirstPerSampleAxis(shape: Shape) throws {
        let count = shape.count, batch = 2
        let values = (0..<(count * batch)).map { Float(($0 * 7) % 11) / 3 }
        let y = try forwardOnce(ActivationLayer(name: "s", activation: .softmax), inputShapes: [shape],
                                batch: batch, values: [values])
        let axis = shape[0], inner = count / axis
        for n in 0..<batch {
            for p in 0..<inner {
                let indices = (0..<axis).map { n * count + $0 * inner + p }
                let sum = indices.reduce(Float(0)) { $0 + y[$1] }
                #expect(abs(sum - 1) < 1e-5)
                let m = indices.map { values[$0] }.max()!
                let z = indices.reduce(Float(0)) { $0 + exp(values[$1] - m) }
                #expect(allClose(indices.map { y[$0] }, indices.map { exp(values[$0] - m) / z }))
            }
        }
    }

    @Test(arguments: [Activation.relu, .leakyRelu(alpha: 0.1), .sigmoid, .tanh, .gelu, .softmax])
    func gradients(activation: Activation) throws {
        var check = GradientCheck()
        check.batch = 3
        check.inputs = .awayFromZero(low: 0.05, high: 2)
        for shape in [[3, 2, 3], [7], [4, 5]] as [Shape] {
            try check.expectCorrect(ActivationLayer(name: "act_0", activation: activation), inputShapes: [shape])
        }
    }
}

private extension Double {
    var float: Float { Float(self) }
}
