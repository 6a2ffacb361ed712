import DLTCore
import DLTNN
import DLTTestSupport
import Testing

struct FlattenTests {
    /// C, H, W order: channel 0's plane first, as PyTorch's nn.Flatten.
    @Test func keepsChannelHeightWidthOrder() throws {
        let values = (0..<24).map(Float.init)
        let layer = Flatten(name: "f")
        let y = try forwardOnce(layer, inputShapes: [[3, 2, 2]], batch: 2, values: [values])
        #expect(y.shape == [2, 12])
        #expect(y.array == values)
    }

    @Test func gradients() throws {
        var check = GradientCheck()
        check.batch = 3
        try check.expectCorrect(Flatten(name: "flatten_0"), inputShapes: [[2, 3, 5]])
    }
}
