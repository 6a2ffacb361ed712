import DLTCore
import DLTNN
import DLTTestSupport
import Foundation
import Testing

/// The shared finite-difference checker on every element of the predictions.
/// Float predictions move by ±h; the loss is summed in Double, so h = 1e-2 keeps the
/// rounding error of the difference near 1e-6 while the O(h²) error stays below the tolerance.
private func checkLossGradient(_ loss: any Loss, predictions: Tensor, target: LossTarget,
                               sourceLocation: SourceLocation = #_sourceLocation) throws {
    let gradient = Tensor(shape: predictions.shape)
    _ = try loss.compute(predictions: predictions, target: target, gradient: gradient)
    var report = GradientReport()
    try FiniteDifference(step: 1e-2, relativeTolerance: 1e-2, absoluteTolerance: 1e-4)
        .check(predictions, analytic: gradient.array, name: loss.name, loss: {
            Double(try loss.compute(predictions: predictions, target: target, gradient: nil))
        }, report: &report)
    report.expectCorrect(loss.name, sourceLocation: sourceLocation)
}

private func randomTensor(_ shape: Shape, seed: UInt64, scale: Float = 2) -> Tensor {
    var random = SeededRandom(seed: seed)
    let t = Tensor(shape: shape)
    for i in 0..<t.count { t[i] = random.uniform(-scale, scale) }
    return t
}

@Suite struct LossTests {
    @Test func crossEntropyGradientMatchesFiniteDifferences() throws {
        let logits = randomTensor([3, 5], seed: 1)
        let labels: [Int32] = [4, 0, 2]
        try labels.withUnsafeBufferPointer {
            try checkLossGradient(SoftmaxCrossEntropy(), predictions: logits, target: .classes($0))
        }
    }

    @Test func crossEntropyTakesOneLabelPerSampleOnly() {
        // The data path has one label per sample, so (N, C, L) logits are refused.
        let labels = [Int32](repeating: 0, count: 15)
        #expect(throws: EngineError("cross_entropy: predictions must be (N, classes), got (3, 4, 5)")) {
            try labels.withUnsafeBufferPointer {
                try SoftmaxCrossEntropy().compute(predictions: Tensor(shape: [3, 4, 5]), target: .classes($0), gradient: nil)
            }
        }
    }

    @Test func crossEntropyValueIsLogSumExpMinusTheLabelsLogit() throws {
        let logits = Tensor(shape: [2, 3], values: [1, 2, 3, -1, 0, 0.5])
        let labels: [Int32] = [2, 0]
        let loss = try labels.withUnsafeBufferPointer {
            try SoftmaxCrossEntropy().compute(predictions: logits, target: .classes($0), gradient: nil)
        }
        let first = log(exp(1.0) + exp(2.0) + exp(3.0)) - 3
        let second = log(exp(-1.0) + exp(0.0) + exp(0.5)) + 1
        #expect(abs(Double(loss) - (first + second) / 2) < 1e-6)
    }

    @Test func binaryCrossEntropyGradientMatchesFiniteDifferencesForValuesAndLabels() throws {
        let logits = randomTensor([3, 7], seed: 4, scale: 4)
        var random = SeededRandom(seed: 5)
        let targets = (0..<21).map { _ in random.nextFloat() }
        try targets.withUnsafeBufferPointer {
            try checkLossGradient(BinaryCrossEntropy(), predictions: logits, target: .values($0))
        }
        let labels = (0..<21).map { _ in Int32(random.below(2)) }
        try labels.withUnsafeBufferPointer {
            try checkLossGradient(BinaryCrossEntropy(), predictions: logits, target: .classes($0))
        }
    }

    @Test func meanSquaredErrorGradientMatchesFiniteDifferences() throws {
        let predictions = randomTensor([5, 3], seed: 6)
        let targets = randomTensor([5, 3], seed: 7).array
        try targets.withUnsafeBufferPointer {
            try checkLossGradient(MeanSquaredError(), predictions: predictions, target: .values($0))
        }
        // Integer labels on a (5, 3) classifier are compared as one-hot rows.
        let labels: [Int32] = [0, 2, 1, 1, 0]
        try labels.withUnsafeBufferPointer {
            try checkLossGradient(MeanSquaredError(), predictions: predictions, target: .classes($0))
        }
        let oneHot: [Float] = labels.flatMap { l in (0..<3).map { $0 == Int(l) ? Float(1) : 0 } }
        let viaLabels = try labels.withUnsafeBufferPointer {
            try MeanSquaredError().compute(predictions: predictions, target: .classes($0), gradient: nil)
        }
        let viaValues = try oneHot.withUnsafeBufferPointer {
            try MeanSquaredError().compute(predictions: predictions, target: .values($0), gradient: nil)
        }
        #expect(viaLabels == viaValues)
    }

    @Test func hugeLogitsStayFiniteAndCorrect() throws {
        let logits = Tensor(shape: [2, 3], values: [1e4, -1e4, 0, 1e4, -1e4, 0])
        let labels: [Int32] = [0, 1]
        let gradient = Tensor(shape: [2, 3])
        let ce = try labels.withUnsafeBufferPointer {
            try SoftmaxCrossEntropy().compute(predictions: logits, target: .classes($0), gradient: gradient)
        }
        // Sample 0 is certain and right (loss 0), sample 1 certain and wrong (loss 2e4).
        #expect(ce == 1e4)
        #expect(gradient.array == [0, 0, 0, 0.5, -0.5, 0])

        let bceLogits = Tensor(shape: [4, 1], values: [1e4, -1e4, 1e4, -1e4])
        let bceLabels: [Int32] = [1, 0, 0, 1]
        let bceGradient = Tensor(shape: [4, 1])
        let bce = try bceLabels.withUnsafeBufferPointer {
            try BinaryCrossEntropy().compute(predictions: bceLogits, target: .classes($0), gradient: bceGradient)
        }
        #expect(bce == 5e3)
        #expect(bceGradient.array == [0, 0, 0.25, -0.25])
    }

    @Test func outOfRangeLabelsThrowNamingTheSample() throws {
        let logits = Tensor(shape: [4, 10])
        let labels: [Int32] = [0, 1, 2, 12]
        #expect(throws: EngineError("cross_entropy: label 12 at sample 3 is outside the model's 10 outputs")) {
            try labels.withUnsafeBufferPointer {
                try SoftmaxCrossEntropy().compute(predictions: logits, target: .classes($0), gradient: nil)
            }
        }
        let negative: [Int32] = [0, -1, 2, 3]
        #expect(throws: EngineError.self) {
            try negative.withUnsafeBufferPointer {
                try SoftmaxCrossEntropy().compute(predictions: logits, target: .classes($0), gradient: nil)
            }
        }
        let binary: [Int32] = [0, 1, 2]
        #expect(throws: EngineError("binary_cross_entropy: label 2 at sample 2 is not 0 or 1")) {
            try binary.withUnsafeBufferPointer {
                try BinaryCrossEntropy().compute(predictions: Tensor(shape: [3, 1]), target: .classes($0), gradient: nil)
            }
        }
    }

    @Test func targetsThatDoNotFitThePredictionsThrow() throws {
        let short: [Float] = [1, 2, 3]
        #expect(throws: EngineError("mse: 3 target values for 4 model outputs of shape (2, 2)")) {
            try short.withUnsafeBufferPointer {
                try MeanSquaredError().compute(predictions: Tensor(shape: [2, 2]), target: .values($0), gradient: nil)
            }
        }
        #expect(throws: EngineError.self) {
            try short.withUnsafeBufferPointer {
                try SoftmaxCrossEntropy().compute(predictions: Tensor(shape: [3, 2]), target: .values($0), gradient: nil)
            }
        }
        let twoLabels: [Int32] = [0, 1]
        #expect(throws: EngineError("cross_entropy: 2 labels for 3 predictions of shape (3, 2)")) {
            try twoLabels.withUnsafeBufferPointer {
                try SoftmaxCrossEntropy().compute(predictions: Tensor(shape: [3, 2]), target: .classes($0), gradient: nil)
            }
        }
        let outside: [Float] = [0.5, 1.5]
        #expect(throws: EngineError.self) {
            try outside.withUnsafeBufferPointer {
                try BinaryCrossEntropy().compute(predictions: Tensor(shape: [2, 1]), target: .values($0), gradient: nil)
            }
        }
    }
}
