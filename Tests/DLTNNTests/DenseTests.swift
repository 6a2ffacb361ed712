import DLTCore
import DLTNN
import DLTTestSupport
import Foundation
import Testing

struct DenseTests {
    /// The reference models' worked numbers (docs/notes.md): z = 3.9, sigmoid(z) = 0.98016. As
    /// written there (x = (2, 3), w = (0.5, 0.7), b = 1) the dot product is 2*0.5 + 3*0.7 + 1 = 4.1;
    /// 3.9 is x = (3, 2) against the same w. Both are checked, each with its own sigmoid.
    @Test(arguments: [([Float(2), 3], Float(4.1), Float(0.983697)), ([3, 2], 3.9, 0.98016)])
    func sigmoidUnitWorkedExample(x: [Float], z: Float, sigmoid: Float) throws {
        for (activation, expected) in [(Activation.identity, z), (.sigmoid, sigmoid)] {
            let dense = Dense(name: "unit", units: 1, activation: activation)
            let y = try forwardOnce(dense, inputShapes: [[2]], batch: 1, values: [x]) {
                dense.weight.value[0] = 0.5; dense.weight.value[1] = 0.7; dense.bias!.value[0] = 1
            }
            #expect(abs(y[0] - expected) < 1e-5)
        }
    }

    @Test(arguments: [Activation.identity, .relu, .leakyRelu(alpha: 0.1), .sigmoid, .tanh, .gelu, .softmax])
    func gradients(activation: Activation) throws {
        var check = GradientCheck()
        check.batch = 3
        try check.expectCorrect(Dense(name: "dense_0", units: 5, activation: activation), inputShapes: [[7]])
    }

    @Test func gradientsWithoutBiasAndOddSizes() throws {
        var check = GradientCheck()
        check.batch = 5
        try check.expectCorrect(Dense(name: "dense_1", units: 3, useBias: false), inputShapes: [[1]])
        try check.expectCorrect(Dense(name: "dense_2", units: 1), inputShapes: [[13]])
    }

    /// From `Dense.directDepth` input features forward runs NarrowProduct, not sgemm: an odd
    /// depth (a tail past the last vector), 5 units (3 + 2) and 5 samples (4 + 1 rows).
    @Test func gradientsOnTheDirectProductPath() throws {
        var check = GradientCheck()
        check.batch = 5
        try check.expectCorrect(Dense(name: "deep", units: 5, activation: .relu), inputShapes: [[Dense.directDepth + 3]])
    }

    @Test func rejectsAnImageInputNamingTheLayer() {
        let error = engineError { _ = try Dense(name: "head", units: 4).build(inputShapes: [[3, 4, 4]]) }
        #expect(error?.message.contains("'head'") == true)
        #expect(error?.message.contains("(3, 4, 4)") == true)
    }

    /// (L, F) -> (L, units): the same gemm path over N·L rows, weight [units, F] unchanged.
    @Test(arguments: [Activation.identity, .relu, .gelu, .softmax])
    func gradientsOnASequence(activation: Activation) throws {
        var check = GradientCheck()
        check.batch = 3
        let dense = Dense(name: "dense_seq", units: 4, activation: activation)
        try check.expectCorrect(dense, inputShapes: [[5, 6]])
        #expect(dense.weight.shape == [4, 6])
        #expect(dense.flopsPerSample == 2 * 5 * 6 * 4)
    }

    @Test func sequenceOutputIsPerPosition() throws {
        let dense = Dense(name: "d", units: 2)
        let x: [Float] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]   // (N 2, L 2, F 3)
        let y = try forwardOnce(dense, inputShapes: [[2, 3]], batch: 2, values: [x]) {
            for i in 0..<6 { dense.weight.value[i] = Float(i) * 0.1 }   // rows (0, .1, .2), (.3, .4, .5)
            dense.bias!.value[0] = 1; dense.bias!.value[1] = -1
        }
        #expect(y.shape == [2, 2, 2])
        for p in 0..<4 {
            let row = Array(x[(3 * p)..<(3 * p + 3)])
            let expected: [Float] = [1 + row[1] * 0.1 + row[2] * 0.2, -1 + row[0] * 0.3 + row[1] * 0.4 + row[2] * 0.5]
            #expect(allClose([y[2 * p], y[2 * p + 1]], expected))
        }
    }
}
