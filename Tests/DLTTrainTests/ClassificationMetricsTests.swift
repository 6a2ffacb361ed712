import DLTTrain
import Testing

/// Precision, recall, F1, macro averages and ROC-AUC against values worked out by hand.
@Suite struct ClassificationMetricsTests {
    /// Confusion matrix (rows = true class, columns = predicted):
    ///     [3 1 0]
    ///     [0 2 0]
    ///     [2 1 1]
    private func example() -> ClassificationMetrics {
        var m = ClassificationMetrics(classes: 3)
        let pairs = [(0, 0), (0, 0), (0, 0), (0, 1), (1, 1), (1, 1), (2, 0), (2, 0), (2, 1), (2, 2)]
        for (label, predicted) in pairs { m.add(label: label, predicted: predicted) }
        return m
    }

    @Test func confusionMatrixAndAccuracy() {
        let m = example()
        #expect(m.confusion == [[3, 1, 0], [0, 2, 0], [2, 1, 1]])
        #expect(m.samples == 10)
        #expect(m.correct == 6)
        #expect(abs(m.accuracy - 0.6) < 1e-12)
    }

    @Test func perClassPrecisionRecallF1() {
        let perClass = example().perClass
        // class 0: tp 3 of 5 predicted, 4 true; class 1: 2 of 4 predicted, 2 true; class 2: 1 of 1, 4 true.
        let expected: [(p: Double, r: Double, f1: Double, support: Int)] = [
            (0.6, 0.75, 2 * 0.6 * 0.75 / 1.35, 4),
            (0.5, 1.0, 2.0 / 3.0, 2),
            (1.0, 0.25, 0.4, 4),
        ]
        #expect(perClass.count == 3)
        for (got, want) in zip(perClass, expected) {
            #expect(abs(got.precision - want.p) < 1e-12)
            #expect(abs(got.recall - want.r) < 1e-12)
            #expect(abs(got.f1 - want.f1) < 1e-12)
            #expect(got.support == want.support)
        }
    }

    @Test func macroAverages() {
        let m = example()
        #expect(abs(m.macroPrecision - 0.7) < 1e-12)
        #expect(abs(m.macroRecall - 2.0 / 3.0) < 1e-12)
        #expect(abs(m.macroF1 - (2.0 / 3.0 + 2.0 / 3.0 + 0.4) / 3) < 1e-12)
    }

    @Test func classNeverPredictedHasZeroPrecisionNotNaN() {
        var m = ClassificationMetrics(classes: 2)
        m.add(label: 0, predicted: 0)
        m.add(label: 1, predicted: 0)
        let perClass = m.perClass
        #expect(perClass[1].precision == 0)
        #expect(perClass[1].recall == 0)
        #expect(perClass[1].f1 == 0)
        #expect(abs(perClass[0].precision - 0.5) < 1e-12)
        #expect(!m.macroF1.isNaN)
    }

    /// Positives score 0.9, 0.8, 0.4; negatives 0.7, 0.3, 0.4. Of the 9 positive/negative pairs the
    /// positive ranks higher in 7 and ties in 1 (counted half): AUC = 7.5 / 9.
    @Test func aucCountsTiesAsHalf() throws {
        var m = ClassificationMetrics(classes: 2)
        for score: Float in [0.9, 0.8, 0.4] { m.add(label: 1, predicted: score >= 0.5 ? 1 : 0, positiveScore: score) }
        for score: Float in [0.7, 0.3, 0.4] { m.add(label: 0, predicted: score >= 0.5 ? 1 : 0, positiveScore: score) }
        let auc = try #require(m.auc)
        #expect(abs(auc - 7.5 / 9) < 1e-12)
    }

    @Test func aucIsOneForPerfectRankingAndZeroForReversed() throws {
        var perfect = ClassificationMetrics(classes: 2)
        var reversed = ClassificationMetrics(classes: 2)
        for (score, label) in [(Float(0.1), 0), (0.2, 0), (0.8, 1), (0.95, 1)] {
            perfect.add(label: label, predicted: score >= 0.5 ? 1 : 0, positiveScore: score)
            reversed.add(label: 1 - label, predicted: score >= 0.5 ? 1 : 0, positiveScore: score)
        }
        #expect(try #require(perfect.auc) == 1)
        #expect(try #require(reversed.auc) == 0)
    }

    @Test func aucIsNilWithOnlyOneClass() {
        var m = ClassificationMetrics(classes: 2)
        m.add(label: 1, predicted: 1, positiveScore: 0.9)
        m.add(label: 1, predicted: 0, positiveScore: 0.2)
        #expect(m.auc == nil)
    }
}
