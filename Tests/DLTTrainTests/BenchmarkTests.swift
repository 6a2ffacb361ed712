import DLTConfig
@testable import DLTTrain
import Testing

/// `dlt bench`'s synthetic batch: what the model is fed decides what is timed.
@Suite struct BenchmarkTests {
    private func setup(_ model: String) throws -> ModelSetup {
        try ModelSetup(config: try ModelConfig.parse(text: model, file: "t.yaml"), threads: 1, seed: 3)
    }

    /// A text model gets real token ids (no padding id 0), as PyTorch and onnxruntime are fed in `make bench`.
    @Test func aTextModelIsFedTokenIdsFromOneBelowTheVocabulary() throws {
        let setup = try setup("""
        model:
          input: [16]
          layers:
            - embedding: {vocab: 50, dim: 4, mask_zero: true}
            - global_avgpool1d: {}
            - dense: {units: 1, activation: sigmoid}
        loss: binary_cross_entropy

        """)
        let batch = Benchmark.SyntheticBatch(setup: setup, batchSize: 64)
        defer { batch.deallocate() }
        let ids = Array(batch.inputs)
        #expect(ids.count == 64 * 16)
        #expect(ids.allSatisfy { $0 == $0.rounded() && $0 >= 1 && $0 < 50 })
        #expect(Set(ids).count > 40, "ids should spread over the vocabulary")
    }

    @Test func anImageOrVectorModelIsFedNormalFloats() throws {
        let setup = try setup("""
        model:
          input: [6]
          layers:
            - dense: {units: 2, activation: softmax}

        """)
        let batch = Benchmark.SyntheticBatch(setup: setup, batchSize: 32)
        defer { batch.deallocate() }
        let values = Array(batch.inputs)
        #expect(values.contains { $0 < 0 } && values.contains { $0 != $0.rounded() })
    }
}
