import ArgumentParser
import DLTTrain

struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the model's layers, output shapes, parameters and FLOPs (like Keras' model.summary()).")

    @OptionGroup var config: ConfigArgument

    func run() throws {
        let model = try config.load()
        let setup = try ModelSetup(config: model, threads: 1, seed: model.seed)
        print(ModelSummary.render(setup.graph, modelName: model.name), terminator: "")
    }
}
