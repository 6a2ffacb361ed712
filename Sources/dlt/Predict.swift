import ArgumentParser
import DLTData
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
        let report = PredictionReport(model: model, values: predictions.values, width: predictions.width,
                                      inputNames: names, topK: topK)
        switch format {
        case .npy:
            try NPYWriter.write(predictions.values, shape: [dataset.count] + model.graph.outputShape.dims, to: output!)
        case .csv:
            try emit(report.csv)
        case .json:
            try emit(report.json)
        }
        if let grid {
            let image = try ImageGrid.render(values: dataset.values, sampleShape: dataset.sampleShape,
                                             count: dataset.count, labels: report.bestLabels)
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
}
