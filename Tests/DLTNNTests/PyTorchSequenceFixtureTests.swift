import DLTCore
import DLTNN
import Testing

/// The Transformer layers against PyTorch (scripts/make_fixtures.py's `sequence_layers`):
/// max |dlt − torch| ≤ 1e-5 on every output element.
@Suite struct PyTorchSequenceFixtureTests {
    /// Builds `layer` on the fixture's (N, L, F) input, copies the named fixture tensors into the
    /// parameters of the same names, lets `prepare` run (masks), and returns forward's output.
    func run(_ layer: any Layer, _ f: PyTorchFixture, parameters: [String], threads: Int = 1,
             prepare: () throws -> Void = {}) throws -> Tensor {
        let input = try f.tensor("input")
        let shape = try layer.build(inputShapes: [input.shape.perSample])
        for name in parameters {
            let parameter = try #require(layer.parameters.first { $0.name == name }, "\(layer.name) has no \(name)")
            let value = try f.tensor(name)
            #expect(parameter.shape == value.shape, "\(f.name).\(name): \(parameter.shape) vs \(value.shape)")
            parameter.value.copy(from: value)
        }
        try prepare()
        let output = Tensor(shape: shape.batched(input.shape[0]))
        layer.forward(inputs: [input], output: output,
                      context: LayerContext(split: ThreadSplit(threads: threads), training: false))
        return output
    }

    @Test func layerNorm() throws {
        let f = try PyTorchFixture("layernorm")
        let output = try run(LayerNorm(name: "layernorm_0", epsilon: Float(try f.number("epsilon"))), f,
                             parameters: ["weight", "bias"])
        expectMatches(output, try f.tensor("output"), "layernorm", relative: 0)
    }

    @Test func denseOnASequence() throws {
        let f = try PyTorchFixture("dense_sequence")
        let output = try run(Dense(name: "dense_0", units: Int(try f.number("units"))), f, parameters: ["weight", "bias"])
        expectMatches(output, try f.tensor("output"), "dense per position", relative: 0)
    }

    @Test(arguments: ["multihead_attention_padding", "multihead_attention_causal", "multihead_attention_causal_padding"])
    func multiheadAttention(name: String) throws {
        let f = try PyTorchFixture(name)
        let causal = try #require(f.config["causal"] as? Bool)
        let padded = try #require(f.config["padded"] as? [Int])
        for threads in [1, 2] {
            let layer = MultiheadAttention(name: "multihead_attention_0", heads: Int(try f.number("heads")), causal: causal)
            let output = try run(layer, f, parameters: ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"],
                                 threads: threads) {
                if padded.contains(where: { $0 > 0 }) { layer.useMask(try f.tensor("mask")) }
            }
            expectMatches(output, try f.tensor("output"), "\(name), \(threads) threads", relative: 0)
        }
    }
}
