import ArgumentParser
import DLTTrain
import Foundation

@main
struct DLT: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlt",
        abstract: "Train, evaluate, run and export deep-learning models described in a YAML config.",
        version: DLTVersion.description,
        subcommands: [Train.self, Eval.self, Predict.self, Export.self, Quantize.self, Summary.self, Bench.self, Plot.self,
                      Augment.self, Sweep.self, Runs.self])

    /// Parses and runs, mapping every failure to the exit codes of README.md: 2 for bad usage, config or
    /// data (reported before any work), 1 for failures at run time; one line on stderr, never a trace.
    static func main() {
        setvbuf(stdout, nil, _IOLBF, 0)
        let command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            let lines = fullMessage(for: error).split(separator: "\n").map(String.init)
            let message = lines.first ?? "bad usage"
            let cleaned = message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message
            ErrorReport.write("\(cleaned) (see \(helpCommand(in: lines)))")
            Foundation.exit(2)
        }
        do {
            // Only training is data-parallel; any other command would run N times side by side.
            if ProcessGroup.launchedRank != nil && !(command is Train) {
                throw UsageError("only dlt train runs under mpirun; run this command without it")
            }
            var runnable = command
            try runnable.run()
        } catch {
            ErrorReport.exit(with: error)
        }
    }

    /// The help of the command that failed to parse: ArgumentParser's message ends with
    /// "See 'dlt train --help' for more information."
    private static func helpCommand(in lines: [String]) -> String {
        for line in lines.reversed() {
            if let start = line.range(of: "See '"), let end = line[start.upperBound...].firstIndex(of: "'") {
                return String(line[start.upperBound..<end])
            }
        }
        return "dlt --help"
    }
}
