import DLTTrain
import Testing

/// `dlt predict`'s ranking and its CSV and JSON text (the CLI writes exactly these strings).
@Suite struct PredictionReportTests {
    private func report(_ values: [Float], width: Int, classes: [String] = ["a", "b", "c"], topK: Int,
                        oneProbability: Bool = false) -> PredictionReport {
        let names = (0..<values.count / width).map { "in#\($0)" }
        return PredictionReport(values: values, width: width, inputNames: names, classNames: classes, topK: topK,
                                singleOutputIsProbability: oneProbability)
    }

    @Test func ranksBestFirstAndKeepsClassOrderOnTies() {
        let ranked = report([0.2, 0.5, 0.3, 0.4, 0.2, 0.4], width: 3, topK: 3)
        #expect(ranked.rows[0].top.map(\.label) == ["b", "c", "a"])
        #expect(ranked.rows[1].top.map(\.label) == ["a", "c", "b"])
        #expect(ranked.rows[1].top.map(\.score) == [0.4, 0.4, 0.2])
    }

    @Test func topKIsCappedByTheOutputs() {
        #expect(report([0.1, 0.9], width: 2, classes: ["x", "y"], topK: 5).k == 2)
        #expect(report([0.7], width: 1, topK: 5, oneProbability: true).k == 2)
        #expect(report([0.7], width: 1, topK: 5).k == 1)
    }

    /// One sigmoid output is p(class 1), ranked against 1 - p; at p = 0.5 class 1 comes first.
    @Test func oneProbabilityRanksBothClasses() {
        let ranked = report([0.25, 0.5], width: 1, classes: ["neg", "pos"], topK: 2, oneProbability: true)
        #expect(ranked.rows[0].top == [.init(label: "neg", score: 0.75), .init(label: "pos", score: 0.25)])
        #expect(ranked.rows[1].top.map(\.label) == ["pos", "neg"])
        #expect(report([0.9], width: 1, classes: [], topK: 1, oneProbability: true).bestLabels == ["1"])
    }

    @Test func outputsWithoutClassNamesAreLabelledByIndex() {
        #expect(report([0.1, 0.2, 0.3, 0.9], width: 4, classes: ["a"], topK: 2).rows[0].top.map(\.label) == ["3", "2"])
    }

    @Test func csvHasAHeaderPerRankAndQuotesFieldsThatNeedIt() {
        let text = PredictionReport(values: [0.25, 0.75], width: 2, inputNames: ["x,1.png"], classNames: ["T,shirt", "say \"hi\""],
                                    topK: 2, singleOutputIsProbability: false).csv
        #expect(text == "input,label_1,score_1,label_2,score_2\n\"x,1.png\",\"say \"\"hi\"\"\",0.75,\"T,shirt\",0.25\n")
    }

    @Test func csvScoresUseTheShortestRoundTripForm() {
        #expect(report([0.1, 0.30000001, 0.6], width: 3, topK: 1).csv == "input,label_1,score_1\nin#0,c,0.6\n")
    }

    @Test func jsonIsOneArrayWithSortedKeys() {
        let text = report([0.5, 0.25, 0.25], width: 3, topK: 2).json
        #expect(text == #"[{"input":"in#0","top":[{"label":"a","score":0.5},{"label":"b","score":0.25}]}]"# + "\n")
    }
}
