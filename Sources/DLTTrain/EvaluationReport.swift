import Foundation

/// `dlt eval` output: a readable table, or one JSON object for scripts (the keys README.md lists under `dlt eval`).
public struct EvaluationReport {
    public let result: Evaluator.Result
    public let classNames: [String]

    public init(result: Evaluator.Result, classNames: [String]) {
        self.result = result
        self.classNames = classNames
    }

    public var json: String {
        var object: [String: Any] = ["loss": result.loss, "samples": result.samples]
        if let m = result.metrics {
            object["accuracy"] = m.accuracy
            object["per_class"] = m.perClass.enumerated().map { c, p in
                ["class": name(c), "precision": p.precision, "recall": p.recall, "f1": p.f1, "support": p.support] as [String: Any]
            }
            object["macro_precision"] = m.macroPrecision
            object["macro_recall"] = m.macroRecall
            object["macro_f1"] = m.macroF1
            object["confusion_matrix"] = m.confusion
            if m.classes == 2, let auc = m.auc { object["auc"] = auc }
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    public var table: String {
        var out = String(format: "samples %d   loss %.4f", result.samples, result.loss)
        guard let m = result.metrics else { return out + "\n" }
        out += String(format: "   accuracy %.4f", m.accuracy)
        if m.classes == 2, let auc = m.auc { out += String(format: "   auc %.4f", auc) }
        out += "\n\n"
        let width = max(12, (0..<m.classes).map { name($0).count }.max() ?? 0)
        func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s : s + String(repeating: " ", count: w - s.count) }
        func lpad(_ s: String, _ w: Int) -> String { s.count >= w ? s : String(repeating: " ", count: w - s.count) + s }
        out += pad("class", width) + lpad("precision", 11) + lpad("recall", 9) + lpad("f1", 9) + lpad("support", 9) + "\n"
        for (c, p) in m.perClass.enumerated() {
            out += pad(name(c), width) + lpad(String(format: "%.4f", p.precision), 11) + lpad(String(format: "%.4f", p.recall), 9)
                + lpad(String(format: "%.4f", p.f1), 9) + lpad(String(p.support), 9) + "\n"
        }
        out += pad("macro avg", width) + lpad(String(format: "%.4f", m.macroPrecision), 11)
            + lpad(String(format: "%.4f", m.macroRecall), 9) + lpad(String(format: "%.4f", m.macroF1), 9)
            + lpad(String(m.samples), 9) + "\n\nconfusion matrix (rows = true class, columns = predicted)\n"
        let cell = max(5, String(m.confusion.flatMap { $0 }.max() ?? 0).count + 1)
        out += pad("", width) + (0..<m.classes).map { lpad(String(name($0).prefix(cell - 1)), cell) }.joined() + "\n"
        for (c, row) in m.confusion.enumerated() {
            out += pad(name(c), width) + row.map { lpad(String($0), cell) }.joined() + "\n"
        }
        return out
    }

    private func name(_ c: Int) -> String { c < classNames.count ? classNames[c] : String(c) }
}
