import Foundation

/// Runs that several tests read, each made once per test process: a `static let` task starts on
/// first use, and every later reader awaits the same task. They live in one temporary directory.
enum SharedRuns {
    struct SetupError: Error, CustomStringConvertible {
        let description: String
    }

    static let root: URL = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dlt-cli-shared-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }()

    /// `scripts/make_test_data.py` output (CIFAR-10 binary batches, text CSVs) in a temp directory.
    private static let generatedDataTask = Task<Result<URL, SetupError>, Never> {
        let dir = root.appendingPathComponent("generated")
        return await onOwnThread {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", DLTLocation.packageRoot.appendingPathComponent("scripts/make_test_data.py").path, dir.path]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            do { try process.run() } catch { return .failure(SetupError(description: "cannot run python3: \(error)")) }
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                return .failure(SetupError(description: "make_test_data.py exited \(process.terminationStatus)"))
            }
            return .success(dir)
        }
    }

    static var generatedData: Result<URL, SetupError> {
        get async { await generatedDataTask.value }
    }

    /// A copy of `configs/<name>.yaml` whose `data/generated/` paths point at `generatedData`, so
    /// tests do not depend on `make data` having run. Other paths stay relative to the package root.
    static func config(_ name: String) async throws -> URL {
        let source = DLTLocation.packageRoot.appendingPathComponent("configs/\(name).yaml")
        var text = try String(contentsOf: source, encoding: .utf8)
        if text.contains("data/generated/") {
            let generated = try await generatedData.get()
            text = text.replacingOccurrences(of: "data/generated/", with: generated.path + "/")
        }
        let copy = root.appendingPathComponent("config-\(name)-\(UUID().uuidString).yaml")
        try text.write(to: copy, atomically: true, encoding: .utf8)
        return copy
    }

    /// The options every small Fashion-MNIST MLP run shares: one epoch on 256 images, one thread
    /// (the suite runs tests in parallel on few cores).
    static let smallMLPOptions = ["--epochs", "1", "--train-limit", "256", "--batch-size", "32", "--threads", "1", "--seed", "1"]

    /// mnist_mlp trained for one small epoch: a 10-class checkpoint for eval, predict, export and plot.
    private static let mnistRunTask = Task { await train("mnist_mlp", options: smallMLPOptions) }
    static var mnistRun: Result<URL, SetupError> {
        get async { await mnistRunTask.value }
    }

    /// text_binary (embedding, one sigmoid unit) trained a few steps: a binary checkpoint.
    private static let textRunTask = Task { await train("text_binary", options: ["--max-steps", "5", "--train-limit", "256", "--threads", "1"]) }
    static var textRun: Result<URL, SetupError> {
        get async { await textRunTask.value }
    }

    private static func train(_ name: String, options: [String]) async -> Result<URL, SetupError> {
        let out = root.appendingPathComponent("run-\(name)")
        let config: URL
        do { config = try await self.config(name) } catch { return .failure(SetupError(description: "\(error)")) }
        let result = await runDLT(["train", config.path, "--out", out.path] + options)
        guard result.code == 0 else {
            return .failure(SetupError(description: "dlt train \(name) failed: \(result.transcript)"))
        }
        return .success(out)
    }
}
