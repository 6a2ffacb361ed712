import Foundation
import Testing

/// The flags several commands share follow one rule on every command (Sources/dlt/SharedOptions.swift):
/// a bad value is bad usage, one stderr line naming the flag, exit 2, nothing written.
@Suite struct SharedOptionTests {
    /// Runs `args` (with `--out` or `-o` into `dir` where the command writes) and checks the refusal.
    private func expectRefused(_ args: [String], naming flag: String, in dir: URL,
                               sourceLocation: SourceLocation = #_sourceLocation) async {
        let result = await runDLT(args)
        #expect(result.code == 2, "\(args.joined(separator: " ")): \(result.transcript)", sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "one stderr line: \(result.transcript)", sourceLocation: sourceLocation)
        #expect(lines.first?.hasPrefix("dlt: error: \(flag) must be") == true, "\(result.transcript)",
                sourceLocation: sourceLocation)
        #expect(lines.first?.hasSuffix("(see dlt \(args[0]) --help)") == true, "names the command's help: \(result.transcript)",
                sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, "\(result.transcript)", sourceLocation: sourceLocation)
        let written = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        #expect(written.isEmpty, "nothing written: \(written)", sourceLocation: sourceLocation)
    }

    /// A valid config or checkpoint with `--threads 0`, for every command that takes `--threads`.
    @Test(arguments: ["train", "eval", "predict", "bench"])
    func zeroThreadsIsRefusedByEveryCommand(command: String) async throws {
        let run = try await SharedRuns.mnistRun.get()
        let checkpoint = run.appendingPathComponent("last.safetensors").path
        try await withTemporaryDirectory { dir in
            let args: [String]
            switch command {
            case "train": args = ["train", "configs/mnist_mlp.yaml", "--out", dir.appendingPathComponent("run").path]
            case "eval": args = ["eval", checkpoint]
            case "predict": args = ["predict", checkpoint, "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz",
                                    "-o", dir.appendingPathComponent("out.csv").path]
            default: args = ["bench", "configs/mnist_mlp.yaml", "--steps", "1"]
            }
            await expectRefused(args + ["--threads", "0"], naming: "--threads", in: dir)
        }
    }

    @Test(arguments: ["train", "bench"])
    func zeroBatchSizeIsRefusedByEveryCommand(command: String) async {
        await withTemporaryDirectory { dir in
            var args = [command, "configs/mnist_mlp.yaml", "--batch-size", "0"]
            if command == "train" { args += ["--out", dir.appendingPathComponent("run").path] }
            await expectRefused(args, naming: "--batch-size", in: dir)
        }
    }

    @Test(arguments: [("--epochs", "-1"), ("--max-steps", "0"), ("--train-limit", "0")])
    func trainingLengthOutOfRangeIsRefused(flag: String, value: String) async {
        await withTemporaryDirectory { dir in
            let args = ["train", "configs/mnist_mlp.yaml", "--out", dir.appendingPathComponent("run").path, "\(flag)=\(value)"]
            await expectRefused(args, naming: flag, in: dir)
        }
    }

    /// A run directory where a checkpoint file belongs gets a hint naming the file to give.
    @Test(arguments: ["eval", "predict", "export"])
    func runDirectoryAsCheckpointNamesTheFile(command: String) async throws {
        let run = try await SharedRuns.mnistRun.get()
        var args = [command, run.path]
        if command == "predict" { args.append("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz") }
        if command == "export" { args += ["--format", "onnx"] }
        let result = await runDLT(args)
        #expect(result.code == 2, "\(result.transcript)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.transcript)")
        #expect(result.stderr.contains("is a directory: give a checkpoint file such as \(run.path)/best.safetensors"),
                "\(result.transcript)")
    }
}
