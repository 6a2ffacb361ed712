import ArgumentParser
import DLTConfig
import DLTCore
import DLTData
import DLTFormats
import DLTTrain
import Foundation

/// One line on stderr, `dlt: error: FILE:LINE:COL: what is wrong`, and the exit code for its kind.
enum ErrorReport {
    static func exit(with error: Error) -> Never {
        let (message, code): (String, Int32)
        switch error {
        case let e as ConfigError: (message, code) = (e.description, 2)
        case let e as DataError: (message, code) = (e.description, 2)
        case let e as FormatError: (message, code) = (e.description, e.kind == .io ? 1 : 2)
        case let e as UsageError: (message, code) = (e.message, 2)
        case let e as EngineError: (message, code) = (e.message, 2)
        case let e as RunFailure: (message, code) = (e.message, 1)
        case let e as ExitCode: Foundation.exit(e.rawValue)
        case let e as ReportedByRankZero: Foundation.exit(e.exitCode)
        default:
            // ArgumentParser's own errors (help requests, bad flags) thrown while running.
            if DLT.exitCode(for: error) == .success {
                print(DLT.fullMessage(for: error))
                Foundation.exit(0)
            }
            if error is ValidationError || String(reflecting: type(of: error)).hasPrefix("ArgumentParser.") {
                (message, code) = (DLT.fullMessage(for: error).split(separator: "\n").first.map(String.init) ?? "bad usage", 2)
            } else {
                (message, code) = (String(describing: error), 1)
            }
        }
        write(message.replacingOccurrences(of: "\n", with: " "))
        Foundation.exit(code)
    }

    /// `dlt: error: MESSAGE` on stderr. Under mpirun the other ranks first give rank 0 two seconds:
    /// an error every rank meets (a bad config) ends the job from rank 0 with one line, and one
    /// that a single rank meets (a file missing on its machine) is still told, with the rank.
    static func write(_ message: String) {
        var line = "dlt: error: \(message)\n"
        if let rank = ProcessGroup.launchedRank, rank != 0 {
            sleep(2)
            line = "dlt: error: rank \(rank): \(message)\n"
        }
        FileHandle.standardError.write(Data(line.utf8))
    }
}
