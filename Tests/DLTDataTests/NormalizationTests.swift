import Testing
@testable import DLTData

@Suite struct NormalizationTests {
    /// Two samples of shape [2,1,2]: channel planes of 2 values each.
    let dataset = Dataset(sampleShape: [2, 1, 2], count: 2, values: .uint8([0, 255, 51, 102, 10, 20, 30, 40]))

    @Test func scaleMeanStdPerChannel() throws {
        let normalization = Normalization(scale: 255, mean: [0.5, 0.25], std: [0.5, 0.25])
        let values = try normalization.apply(to: dataset, indices: [0])
        // x = (raw / 255 - mean[c]) / std[c]
        let expected: [Float] = [(0 - 0.5) / 0.5, (1 - 0.5) / 0.5, (0.2 - 0.25) / 0.25, (0.4 - 0.25) / 0.25]
        for (value, want) in zip(values, expected) { #expect(abs(value - want) < 1e-6) }
    }

    @Test func singleValueMeanAppliesToEveryChannel() throws {
        let values = try Normalization(mean: [10], std: [2]).apply(to: dataset, indices: [1])
        #expect(values == [0, 5, 10, 15])
    }

    @Test func identityByDefaultAndForFloats() throws {
        #expect(try Normalization().apply(to: dataset, indices: [1, 0]) == [10, 20, 30, 40, 0, 255, 51, 102])
        let vectors = Dataset(sampleShape: [3], count: 1, values: .float([1, 2, 3]))
        #expect(try Normalization(mean: [1, 2, 3]).apply(to: vectors, indices: [0]) == [0, 0, 0])
    }

    @Test func badSettingsAreErrors() {
        #expect(dataErrorText { try Normalization(mean: [1, 2, 3]).affine(sampleShape: [2, 4, 4]) }
            == "normalize: normalize mean has 3 values; expected 1 or 2 (one per channel)")
        #expect(dataErrorText { try Normalization(std: [0]).affine(sampleShape: [1]) }.contains("non-zero"))
        #expect(dataErrorText { try Normalization(scale: 0).affine(sampleShape: [1]) }.contains("scale must be a non-zero"))
    }
}
