@testable import DLTConfig
import DLTTrain
import Testing

@Suite("Did-you-mean suggestions")
struct NameSuggestionTests {
    @Test func editDistanceCountsInsertionsDeletionsSubstitutionsAndSwaps() {
        #expect(NameSuggestion.editDistance("conv2", "conv2d") == 1)
        #expect(NameSuggestion.editDistance("kitten", "sitting") == 3)
        #expect(NameSuggestion.editDistance("rleu", "relu") == 1)
        #expect(NameSuggestion.editDistance("", "abc") == 3)
        #expect(NameSuggestion.editDistance("same", "same") == 0)
    }

    @Test(arguments: [
        ("conv2", "conv2d"), ("Dense", "dense"), ("maxpool", "maxpool2d"), ("batch_norm", "batchnorm"),
        ("dropot", "dropout"), ("conv_transpose", "conv_transpose2d"), ("globalavgpool2d", "global_avgpool2d"),
    ])
    func suggestsTheNearestLayerType(typed: String, expected: String) {
        #expect(NameSuggestion.nearest(to: typed, in: LayerRegistry.schemas.types) == expected)
    }

    @Test func staysQuietWhenNothingIsClose() {
        #expect(NameSuggestion.nearest(to: "transformer", in: LayerRegistry.schemas.types) == nil)
        #expect(NameSuggestion.nearest(to: "b", in: ["a", "input"]) == nil)
        #expect(NameSuggestion.hint(for: "zzz", in: ["adam", "sgd"]) == "")
    }

    @Test func listReadsAsASentence() {
        #expect(NameSuggestion.list(["a", "b", "c"]) == "a, b or c")
        #expect(NameSuggestion.list(["a"]) == "a")
    }
}
