import DLTCore
import DLTNN
import Testing

/// Sequence layers against PyTorch (scripts/make_fixtures.py): inputs and outputs are stored in
/// dlt's (N, L, C) layout, PyTorch having run on the transposed (N, C, L) tensors; weights are
/// nn.Conv1d's own [F, C, k].
@Suite struct PyTorchSequencePoolingFixtureTests {
    func number(_ f: PyTorchFixture, _ key: String) throws -> Int { Int(try f.number(key)) }

    /// `PyTorchFixtureTests.run`'s build and weight copy, then forward at 1 and at 2 threads.
    func outputs(_ layer: any Layer, _ f: PyTorchFixture, parameters: [String] = ["weight", "bias"]) throws -> [Tensor] {
        let input = try f.tensor("input")
        let first = try PyTorchFixtureTests().run(layer, f, input: input, parameters: parameters)
        let second = Tensor(shape: first.shape)
        layer.forward(inputs: [input], output: second, context: LayerContext(split: ThreadSplit(threads: 2), training: false))
        #expect(first.array == second.array, "\(layer.name): 1 and 2 threads give the same bits")
        return [first, second]
    }

    @Test(arguments: ["conv1d_valid", "conv1d_stride2_pad1", "conv1d_dilation2", "conv1d_dilation2_stride2"])
    func conv1d(name: String) throws {
        let f = try PyTorchFixture(name)
        let padding = try number(f, "padding")
        let layer = Conv1D(name: "conv1d_0", filters: try number(f, "filters"), kernel: try number(f, "kernel"),
                           stride: try number(f, "stride"), padding: padding == 0 ? .valid : .explicit(padding),
                           dilation: try number(f, "dilation"))
        for (threads, output) in zip([1, 2], try outputs(layer, f)) {
            expectMatches(output, try f.tensor("output"), "\(name) at \(threads) threads", relative: 0)
        }
    }

    @Test(arguments: ["maxpool1d_3_stride2", "maxpool1d_2"])
    func maxpool1d(name: String) throws {
        let f = try PyTorchFixture(name)
        let layer = MaxPool1D(name: "maxpool1d_0", size: try number(f, "size"), stride: try number(f, "stride"))
        for output in try outputs(layer, f, parameters: []) { expectMatches(output, try f.tensor("output"), name, relative: 0) }
    }

    @Test func globalMaxpool1d() throws {
        let f = try PyTorchFixture("global_maxpool1d")
        for output in try outputs(GlobalMaxPool1D(name: "g"), f, parameters: []) {
            expectMatches(output, try f.tensor("output"), "global_maxpool1d", relative: 0)
        }
    }
}
