import Foundation
import Testing

/// Every config shipped in configs/ trains a few steps through the real pipeline and evaluates.
@Suite struct ConfigSmokeTests {
    /// The file names (without .yaml) in configs/, found at test discovery so new configs are covered.
    static let configNames: [String] = {
        let dir = DLTLocation.packageRoot.appendingPathComponent("configs")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return files.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }()

    @Test func referenceConfigsArePresent() async {
        for name in ["mnist_mlp", "mnist_cnn", "mnist_cnn3", "cifar10_cnn", "resnet_small", "autoencoder", "text_binary", "xor"] {
            #expect(Self.configNames.contains(name), "configs/\(name).yaml is missing")
        }
    }

    @Test(arguments: configNames)
    func trainsFiveStepsAndEvaluates(name: String) async throws {
        let config = try await SharedRuns.config(name)
        try await withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("run")
            let train = await runDLT(["train", config.path, "--out", out.path, "--max-steps", "5", "--train-limit", "256", "--threads", "1"])
            #expect(train.code == 0, "\(name): \(train.transcript)")
            let checkpoint = out.appendingPathComponent("last.safetensors").path
            #expect(FileManager.default.fileExists(atPath: checkpoint))
            guard train.code == 0 else { return }
            let file = try SafeTensorsFile(path: checkpoint)
            #expect(file.metadata["step"] == "5", "\(name): checkpoint step \(file.metadata["step"] ?? "none")")
            let eval = await runDLT(["eval", checkpoint, "--json", "--threads", "1"])
            #expect(eval.code == 0, "\(name): \(eval.transcript)")
            let report = try #require(jsonObject(eval.stdout), "\(name): eval --json printed \(eval.stdout.prefix(200))")
            let loss = try #require(report["loss"] as? Double)
            #expect(loss.isFinite)
            #expect(((report["samples"] as? Int) ?? 0) > 0)
        }
    }
}
