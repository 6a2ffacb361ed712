import DLTCore
import DLTNN
import DLTTrain
import Testing

/// `ModelSummary`: thousands separators and the parameter totals of a rendered summary.
@Suite struct ModelSummaryTests {
    @Test(arguments: [(0, "0"), (7, "7"), (999, "999"), (1000, "1,000"), (93_322, "93,322"), (121_930, "121,930"),
                      (1_234_567, "1,234,567"), (-1234, "-1,234")])
    func grouped(value: Int, text: String) {
        #expect(ModelSummary.grouped(value) == text)
    }

    /// Dense 3 -> 4 (12 + 4) then Dense 4 -> 2 (8 + 2): 26 parameters, all trainable.
    @Test func renderReportsTotalsAndLayers() throws {
        let graph = Graph(inputShape: [3])
        let hidden = try graph.append(Dense(name: "hidden", units: 4, activation: .relu), inputs: [.modelInput])
        try graph.append(Dense(name: "out", units: 2), inputs: [.node(hidden)])
        let text = ModelSummary.render(graph, modelName: "tiny")
        #expect(text.contains("tiny"))
        #expect(text.contains("hidden (dense)"))
        #expect(text.contains("out (dense)"))
        #expect(text.contains("Total params: 26\n"))
        #expect(text.contains("Trainable params: 26\n"))
        #expect(text.contains("Non-trainable params: 0\n"))
    }
}
