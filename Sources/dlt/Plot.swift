import ArgumentParser
import DLTData
import DLTTrain
import Foundation

struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw runs' loss and accuracy curves on one chart (PNG or SVG).",
        discussion: "Several runs get one colour each; a directory of runs (a sweep directory) stands for every run in it.")

    @Argument(help: "Run directories (holding metrics.jsonl), or directories of runs.") var runDirectories: [String]
    @Option(name: .shortAndLong, help: "Output file, .png or .svg.") var output: String

    func run() throws {
        let directories = try runDirectories.flatMap(Self.runs(in:))
        let names = directories.map { URL(fileURLWithPath: $0).standardizedFileURL.lastPathComponent }
        // Directory names say which run is which unless two are alike (runs/a/x and runs/b/x).
        let unique = Set(names).count == names.count
        let runs = zip(directories, names).map { directory, name -> TrainingCurves.Run in
            let label = unique ? name : directory
            return TrainingCurves.Run(directory: directory,
                                      label: SweepDefinition.trialOverrides(ofRun: directory).map { "\(label): \($0)" } ?? label)
        }
        if runs.count == 1, let only = runs.first {
            try TrainingCurves.render(runDirectory: only.directory, to: output)
        } else {
            try TrainingCurves.render(runs: runs, to: output)
        }
        print(output)
    }

    /// A run directory itself, or the runs directly inside a directory that is not one.
    private static func runs(in directory: String) throws -> [String] {
        if RunMetrics.isRun(directory) { return [directory] }
        let children = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
            .map { directory + "/" + $0 }.filter(RunMetrics.isRun)
        guard !children.isEmpty else {
            throw DataError(file: RunMetrics.path(in: directory), message: "cannot read the run's metrics (is \(directory) a dlt run directory?)")
        }
        return children
    }
}
