import ArgumentParser

@main
struct DLT: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlt",
        abstract: "Train, evaluate and export deep-learning models from a YAML config.")
}
