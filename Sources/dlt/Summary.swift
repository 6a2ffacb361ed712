import ArgumentParser
import DLTTrain

struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the model's layers, output shapes, parameters and FLOPs (like Keras' model.summary()).")

    @OptionGroup var config: ConfigArgument

    func run() throws {
        let text = try config.with { model in
            ModelSummary.render(try ModelSetup(config: model, threads: 1, seed: model.seed).graph, modelName: model.name)
        }
        print(text, terminator: "")
    }
}
