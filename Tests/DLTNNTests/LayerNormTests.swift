import DLTCore
import DLTNN
import DLTTestSupport
import Testing

struct LayerNormTests {
    @Test(arguments: [Shape([7]), Shape([5, 6]), Shape([7, 3])])
    func gradients(shape: Shape) throws {
        var check = GradientCheck()
        check.batch = 3
        // A weight other than ones exercises the scale in dx.
        check.prepare = { layer in
            let w = (layer as! LayerNorm).weight.value
            for i in 0..<w.count { w[i] = 0.5 + Float(i) * 0.25 }
        }
        try check.expectCorrect(LayerNorm(name: "layernorm_0"), inputShapes: [shape])
    }

    @Test func normalisesEachRowOverTheLastAxis() throws {
        let norm = LayerNorm(name: "ln", epsilon: 1e-5)
        let x: [Float] = [1, 2, 3, 4, 10, 10, 10, 14]   // (N 1, L 2, F 4)
        let y = try forwardOnce(norm, inputShapes: [[2, 4]], batch: 1, values: [x]) {
            norm.weight.value.fill(1); norm.bias.value.zero()
        }
        for row in 0..<2 {
            let values = Array(y.array[(4 * row)..<(4 * row + 4)])
            let mean = values.reduce(0, +) / 4
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 4
            #expect(abs(mean) < 1e-5)
            #expect(abs(variance - 1) < 1e-3)
        }
    }

    @Test func rejectsAnImage() {
        let error = engineError { _ = try LayerNorm(name: "ln_img").build(inputShapes: [[3, 4, 4]]) }
        #expect(error?.message.contains("'ln_img'") == true)
        #expect(error?.message.contains("(3, 4, 4)") == true)
    }
}
