import Foundation

/// `dlt predict` output: each input's top-k labels with their scores, as CSV or one JSON array.
public struct PredictionReport {
    public struct RankedLabel: Equatable {
        public let label: String
        public let score: Float

        public init(label: String, score: Float) {
            self.label = label
            self.score = score
        }
    }

    public struct Row: Equatable {
        public let input: String
        public let top: [RankedLabel]
    }

    public let rows: [Row]
    /// Labels per row: the requested k, capped by the labels there are.
    public let k: Int

    /// Ranks `values` (N rows of `width` scores, as `Predictor` returns them) for `inputNames`.
    /// With `singleOutputIsProbability`, one output is read as p(class 1) and ranked against
    /// 1 - p for class 0 (a sigmoid unit, or mse on 0/1 labels). Equal scores keep their order
    /// (class order; class 1 before class 0 for one probability).
    public init(values: [Float], width: Int, inputNames: [String], classNames: [String], topK: Int,
                singleOutputIsProbability: Bool) {
        precondition(topK >= 1, "top-k must be at least 1, got \(topK)")
        precondition(values.count == inputNames.count * width,
                     "\(values.count) values for \(inputNames.count) inputs of width \(width)")
        let oneProbability = width == 1 && singleOutputIsProbability
        let k = min(topK, oneProbability ? 2 : width)
        func label(_ index: Int) -> String { index < classNames.count ? classNames[index] : String(index) }
        rows = inputNames.enumerated().map { i, name in
            let ranked = Self.ranked(values[i * width..<(i + 1) * width], oneProbability: oneProbability)
            return Row(input: name, top: ranked.prefix(k).map { RankedLabel(label: label($0.index), score: $0.score) })
        }
        self.k = k
    }

    /// (class index, score) pairs of one input, best first; equal scores keep their order.
    static func ranked(_ scores: ArraySlice<Float>, oneProbability: Bool) -> [(index: Int, score: Float)] {
        let candidates: [(index: Int, score: Float)] = oneProbability
            ? [(1, scores.first!), (0, 1 - scores.first!)]
            : scores.enumerated().map { ($0.offset, $0.element) }
        return candidates.indices.sorted { a, b in
            candidates[a].score > candidates[b].score || (candidates[a].score == candidates[b].score && a < b)
        }.map { candidates[$0] }
    }

    /// The model's predictions for `inputNames`, labelled with its class names.
    public init(model: TrainedModel, values: [Float], width: Int, inputNames: [String], topK: Int) {
        self.init(values: values, width: width, inputNames: inputNames, classNames: model.classNames, topK: topK,
                  singleOutputIsProbability: model.task.hasAccuracy)
    }

    /// The best label of each input ("" when there is none), as the image grid prints them.
    public var bestLabels: [String] { rows.map { $0.top.first?.label ?? "" } }

    /// `input,label_1,score_1,...` then one line per input; scores in Swift's shortest round-trip form.
    public var csv: String {
        var text = "input," + (1...k).map { "label_\($0),score_\($0)" }.joined(separator: ",") + "\n"
        for row in rows {
            text += Self.csvField(row.input) + ","
                + row.top.map { "\(Self.csvField($0.label)),\($0.score)" }.joined(separator: ",") + "\n"
        }
        return text
    }

    /// `[{"input": ..., "top": [{"label": ..., "score": ...}, ...]}, ...]` with sorted keys, one line.
    public var json: String {
        let objects = rows.map { row in
            ["input": row.input, "top": row.top.map { ["label": $0.label, "score": Double($0.score)] as [String: Any] }] as [String: Any]
        }
        let data = (try? JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys])) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// RFC 4180 quoting, only where a field needs it.
    static func csvField(_ s: String) -> String {
        s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
