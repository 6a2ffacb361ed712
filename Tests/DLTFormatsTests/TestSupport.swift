import Foundation

/// A fresh temporary directory per test.
struct ScratchDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "dlt-formats-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }
}

/// The project's Python venv with torch, numpy, safetensors, onnx, onnxruntime and tensorboard
/// (`make bench` creates it: docs/performance.md). Tests that cross-check against it are skipped when it is absent;
/// CI may run those checks on a machine that has it.
enum ReferencePython {
    static let executable: String = {
        if let override = ProcessInfo.processInfo.environment["DLT_REFERENCE_PYTHON"] { return override }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
        return repository + "/.venv-bench/bin/python"
    }()

    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: executable) }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs `script` with `arguments`; returns stdout, throws with stderr on a non-zero exit.
    static func run(_ script: String, arguments: [String] = []) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-c", script] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read before waiting so a large output cannot fill the pipe and block the child.
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "python exited \(process.terminationStatus): \(String(decoding: stderr, as: UTF8.self))")
        }
        return String(decoding: stdout, as: UTF8.self)
    }

    /// `run` whose stdout is one JSON document.
    static func runJSON(_ script: String, arguments: [String] = []) throws -> Any {
        let text = try run(script, arguments: arguments)
        return try JSONSerialization.jsonObject(with: Data(text.utf8))
    }
}
