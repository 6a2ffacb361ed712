import ArgumentParser
import DLTTrain

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a checkpoint: loss, accuracy, per-class precision/recall/F1, confusion matrix, AUC.")

    @OptionGroup var checkpoint: CheckpointArgument
    @Option(parsing: .upToNextOption, help: "train, validation or test (default), or data files in the config's format.")
    var data: [String] = []
    @OptionGroup var output: JSONOutputOptions
    @Option(help: "Exit 1 when accuracy is below X (a CI gate).") var minAccuracy: Double?
    @OptionGroup var threading: ThreadOptions

    func validate() throws {
        if let x = minAccuracy, !(0...1).contains(x) { throw ValidationError("--min-accuracy must be between 0 and 1") }
    }

    func run() throws {
        let model = try checkpoint.load(threads: threading.threads)
        let (dataset, normalization) = try EvaluationData.load(model, data: data)
        let result = try Evaluator.evaluate(dataset, runner: model.setup.runner, normalization: normalization,
                                            batchSize: model.config.train.batchSize)
        let report = EvaluationReport(result: result, classNames: model.classNames)
        print(output.json ? report.json : report.table, terminator: output.json ? "\n" : "")
        if let minimum = minAccuracy {
            guard let accuracy = result.accuracy else {
                throw UsageError("--min-accuracy needs a classification model; this one has no accuracy")
            }
            if accuracy < minimum {
                throw RunFailure(String(format: "accuracy %.4f is below --min-accuracy %.4f", accuracy, minimum))
            }
        }
    }
}
