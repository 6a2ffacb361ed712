/// Confusion-matrix metrics for `dlt eval` and the per-epoch `precision`/`recall`/`f1`/`auc`
/// metrics: per-class precision, recall, F1 and support, their macro averages, and ROC-AUC for
/// binary models (from the positive-class scores).
public struct ClassificationMetrics {
    public let classes: Int
    /// confusion[true][predicted]
    public private(set) var confusion: [[Int]]
    /// (score of the positive class, is positive) for binary models.
    private var binaryScores: [(Float, Bool)] = []

    public init(classes: Int) {
        self.classes = classes
        self.confusion = Array(repeating: Array(repeating: 0, count: classes), count: classes)
    }

    public mutating func add(label: Int, predicted: Int, positiveScore: Float? = nil) {
        confusion[label][predicted] += 1
        if let score = positiveScore { binaryScores.append((score, label == 1)) }
    }

    public var samples: Int { confusion.reduce(0) { $0 + $1.reduce(0, +) } }
    public var correct: Int { (0..<classes).reduce(0) { $0 + confusion[$1][$1] } }
    public var accuracy: Double { samples == 0 ? 0 : Double(correct) / Double(samples) }

    public struct PerClass: Equatable {
        public let precision, recall, f1: Double
        public let support: Int
    }

    public var perClass: [PerClass] {
        (0..<classes).map { c in
            let tp = Double(confusion[c][c])
            let predicted = Double((0..<classes).reduce(0) { $0 + confusion[$1][c] })
            let actual = confusion[c].reduce(0, +)
            let precision = predicted == 0 ? 0 : tp / predicted
            let recall = actual == 0 ? 0 : tp / Double(actual)
            let f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
            return PerClass(precision: precision, recall: recall, f1: f1, support: actual)
        }
    }

    public var macroPrecision: Double { mean(perClass.map(\.precision)) }
    public var macroRecall: Double { mean(perClass.map(\.recall)) }
    public var macroF1: Double { mean(perClass.map(\.f1)) }

    /// ROC-AUC by the rank statistic (Mann-Whitney U), ties counted half; nil without both classes.
    public var auc: Double? {
        let positives = binaryScores.filter(\.1).count, negatives = binaryScores.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        let sorted = binaryScores.sorted { $0.0 < $1.0 }
        var rankSumPositive = 0.0
        var i = 0
        while i < sorted.count {
            var j = i
            while j + 1 < sorted.count && sorted[j + 1].0 == sorted[i].0 { j += 1 }
            let averageRank = Double(i + j) / 2 + 1
            for k in i...j where sorted[k].1 { rankSumPositive += averageRank }
            i = j + 1
        }
        let u = rankSumPositive - Double(positives * (positives + 1)) / 2
        return u / (Double(positives) * Double(negatives))
    }

    /// The counts as numbers, to send between data-parallel ranks: the confusion matrix row by
    /// row, then (score, 1 if positive) pairs.
    var packed: [Double] {
        confusion.flatMap { $0.map(Double.init) } + binaryScores.flatMap { [Double($0.0), $0.1 ? 1 : 0] }
    }

    /// Metrics from `packed` values.
    init(classes: Int, packed: ArraySlice<Double>) {
        self.init(classes: classes)
        var values = packed.makeIterator()
        for t in 0..<classes { for p in 0..<classes { confusion[t][p] = Int(values.next() ?? 0) } }
        while let score = values.next(), let positive = values.next() { binaryScores.append((Float(score), positive == 1)) }
    }

    /// The counts of both, as if one pass had seen both sets of samples (`self`'s first).
    func merged(with other: ClassificationMetrics) -> ClassificationMetrics {
        var result = self
        for t in 0..<classes { for p in 0..<classes { result.confusion[t][p] += other.confusion[t][p] } }
        result.binaryScores += other.binaryScores
        return result
    }

    private func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }
}
