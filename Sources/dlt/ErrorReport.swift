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
        let oneLine = message.replacingOccurrences(of: "\n", with: " ")
        FileHandle.standardError.write(Data("dlt: error: \(oneLine)\n".utf8))
        Foundation.exit(code)
    }
}
