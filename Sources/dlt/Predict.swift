import ArgumentParser
import DLTCore
import DLTData
import DLTNN
import DLTTrain
import Foundation

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a checkpoint on inputs (IDX, CSV, .npy, PNG, PGM) and print the top-k labels.")

    enum Format: String, ExpressibleByArgument { case csv, json, npy }

    @OptionGroup var checkpoint: CheckpointArgument
    @Argument(help: "Input files.") var inputs: [String]
    @Option(help: "How many labels per input.") var topK = 1
    @Option(help: "csv, json or npy (the output tensor, N x outputs float32).") var format: Format = .csv
    @Option(name: .shortAndLong, help: "Write to this file instead of stdout (required for npy).") var output: String?
    @Option(help: "Draw up to 25 inputs with their predicted labels in a 5x5 grid PNG.") var grid: String?
    @OptionGroup var threading: ThreadOptions

    func validate() throws {
        if topK < 1 { throw ValidationError("--top-k must be at least 1") }
        if format == .npy && output == nil { throw ValidationError("--format npy writes binary: give -o FILE") }
    }

    func run() throws {
        let model = try checkpoint.load(threads: threading.threads)
        let (dataset, names) = try PredictionInputs.load(inputs, model: model)
        let predictions = try Predictor(model: model).run(dataset)
        let classNames = model.classNames
        let width = predictions.width
        let oneProbability = width == 1 && model.task.hasAccuracy   // p(class 1), and 1 - p for class 0
        let k = min(topK, oneProbability ? 2 : width)
        var rows: [(name: String, top: [(label: String, score: Float)])] = []
        for i in 0..<dataset.count {
            let scores = Array(predictions.values[i * width..<(i + 1) * width])
            let top: [(String, Float)]
            if oneProbability {
                // One output read as the probability of class 1 (sigmoid unit, or mse on 0/1 labels).
                let p = scores[0]
                let ranked = [(1, p), (0, 1 - p)].sorted { $0.1 > $1.1 }.prefix(k)
                top = ranked.map { (classNames.count == 2 ? classNames[$0.0] : String($0.0), $0.1) }
            } else {
                top = scores.enumerated().sorted { $0.element > $1.element || ($0.element == $1.element && $0.offset < $1.offset) }
                    .prefix(k).map { ($0.offset < classNames.count ? classNames[$0.offset] : String($0.offset), $0.element) }
            }
            rows.append((names[i], top))
        }
        switch format {
        case .npy:
            try NPYWriter.write(predictions.values, shape: [dataset.count] + model.graph.outputShape.dims, to: output!)
        case .csv:
            var text = "input," + (1...k).map { "label_\($0),score_\($0)" }.joined(separator: ",") + "\n"
            for row in rows {
                text += csvField(row.name) + "," + row.top.map { "\(csvField($0.label)),\($0.score)" }.joined(separator: ",") + "\n"
            }
            try emit(text)
        case .json:
            let objects = rows.map { row in
                ["input": row.name, "top": row.top.map { ["label": $0.label, "score": Double($0.score)] as [String: Any] }] as [String: Any]
            }
            let data = try JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys])
            try emit(String(decoding: data, as: UTF8.self) + "\n")
        }
        if let grid {
            let labels = rows.map { $0.top.first?.label ?? "" }
            let image = try ImageGrid.render(values: dataset.values, sampleShape: dataset.sampleShape,
                                             count: dataset.count, labels: labels)
            try PNGWriter.write(rgb: image.rgb, width: image.width, height: image.height, to: grid)
        }
    }

    private func emit(_ text: String) throws {
        if let output {
            do { try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic) } catch {
                throw RunFailure("\(output): cannot write: \(error.localizedDescription)")
            }
        } else {
            print(text, terminator: "")
        }
    }

    private func csvField(_ s: String) -> String {
        s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
