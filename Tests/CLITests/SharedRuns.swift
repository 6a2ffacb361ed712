import Foundation

/// Runs that several tests read, each trained once per test process (Swift's `static let` runs its
/// initialiser exactly once, even when tests run in parallel). They live in one temporary
/// directory for the whole test process.
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
    static let generatedData: Result<URL, SetupError> = {
        let dir = root.appendingPathComponent("generated")
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
    }()

    /// A copy of `configs/<name>.yaml` whose `data/generated/` paths point at `generatedData`, so
    /// tests do not depend on `make data` having run. Other paths stay relative to the package root.
    static func config(_ name: String) throws -> URL {
        let source = DLTLocation.packageRoot.appendingPathComponent("configs/\(name).yaml")
        var text = try String(contentsOf: source, encoding: .utf8)
        if text.contains("data/generated/") {
            let generated = try generatedData.get()
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
    static let mnistRun: Result<URL, SetupError> = train("mnist_mlp", options: smallMLPOptions)

    /// text_binary (embedding, one sigmoid unit) trained a few steps: a binary checkpoint.
    static let textRun: Result<URL, SetupError> = train("text_binary", options: ["--max-steps", "5", "--train-limit", "256", "--threads", "1"])

    private static func train(_ name: String, options: [String]) -> Result<URL, SetupError> {
        let out = root.appendingPathComponent("run-\(name)")
        let config: URL
        do { config = try self.config(name) } catch { return .failure(SetupError(description: "\(error)")) }
        let result = runDLT(["train", config.path, "--out", out.path] + options)
        guard result.code == 0 else {
            return .failure(SetupError(description: "dlt train \(name) failed: \(result.transcript)"))
        }
        return .success(out)
    }
}
