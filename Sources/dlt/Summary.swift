import ArgumentParser
import DLTConfig
import DLTTrain

struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the model's layers, output shapes, parameters and FLOPs (like Keras' model.summary()).")

    @Argument(help: "The model config (YAML).") var config: String

    func run() throws {
        let model = try ModelConfig.load(path: config)
        let setup = try ModelSetup(config: model, threads: 1, seed: model.seed)
        print(ModelSummary.render(setup.graph, modelName: model.name), terminator: "")
    }
}
