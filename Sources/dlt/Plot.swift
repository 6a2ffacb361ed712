import ArgumentParser
import DLTTrain

struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Draw a run's loss and accuracy curves (PNG or SVG).")

    @Argument(help: "A run directory (holding metrics.jsonl).") var runDirectory: String
    @Option(name: .shortAndLong, help: "Output file, .png or .svg.") var output: String

    func run() throws {
        try TrainingCurves.render(runDirectory: runDirectory, to: output)
        print(output)
    }
}
