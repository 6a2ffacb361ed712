import Foundation
import Testing

/// `data.augment` end to end: a resumed run with augmentation is bit-identical to an uninterrupted
/// one (mid-epoch too), and `dlt augment` draws the grid or refuses bad input writing nothing.
@Suite struct AugmentTests {
    static let augment = """
      augment:
        - random_crop: {padding: 3}
        - flip: {horizontal: true}
        - rotate: {degrees: 10}
        - brightness: {delta: 0.1}

    """

    /// configs/mnist_mlp.yaml with the augment list, written into `dir`.
    private func config(in dir: URL) throws -> String {
        let text = try String(contentsOf: DLTLocation.packageRoot.appendingPathComponent("configs/mnist_mlp.yaml"), encoding: .utf8)
        let url = dir.appendingPathComponent("augmented.yaml")
        try text.replacingOccurrences(of: "data:\n", with: "data:\n" + Self.augment).write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    private let options = ["--train-limit", "600", "--batch-size", "50", "--threads", "2", "--seed", "5"]

    @Test func resumeFromMidEpochWithAugmentationMatchesUninterruptedRun() async throws {
        try await withTemporaryDirectory { dir in
            let config = try config(in: dir)
            let a = dir.appendingPathComponent("A"), b = dir.appendingPathComponent("B"), plain = dir.appendingPathComponent("P")
            let full = await runDLT(["train", config, "--out", a.path, "--epochs", "2"] + options)
            #expect(full.code == 0, "\(full.transcript)")
            let first = await runDLT(["train", config, "--out", b.path, "--epochs", "2", "--max-steps", "7"] + options)
            #expect(first.code == 0, "\(first.transcript)")
            let resumed = await runDLT(["train", config, "--out", b.path, "--epochs", "2",
                                        "--resume", b.appendingPathComponent("last.safetensors").path] + options)
            #expect(resumed.code == 0, "\(resumed.transcript)")
            let reference = try SafeTensorsFile(path: a.appendingPathComponent("last.safetensors").path)
            let continued = try SafeTensorsFile(path: b.appendingPathComponent("last.safetensors").path)
            #expect(!reference.tensors.isEmpty)
            #expect(reference.differences(from: continued) == [], "tensors differ after resume")
            // Without the list the weights differ: augmentation did reach the batches.
            let unaugmented = await runDLT(["train", "configs/mnist_mlp.yaml", "--out", plain.path, "--epochs", "2"] + options)
            #expect(unaugmented.code == 0, "\(unaugmented.transcript)")
            let other = try SafeTensorsFile(path: plain.appendingPathComponent("last.safetensors").path)
            #expect(reference.differences(from: other).contains("dense_1.weight"))
        }
    }

    @Test func augmentWritesAPNGGridAndRefusesBadInput() async throws {
        try await withTemporaryDirectory { dir in
            let config = try config(in: dir)
            let grid = dir.appendingPathComponent("grid.png")
            let drawn = await runDLT(["augment", config, "-o", grid.path, "--samples", "12"])
            #expect(drawn.code == 0, "\(drawn.transcript)")
            let png = try Data(contentsOf: grid)
            #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
            let again = dir.appendingPathComponent("again.png")
            _ = await runDLT(["augment", config, "-o", again.path, "--samples", "12"])
            #expect(try Data(contentsOf: again) == png, "the same config draws the same grid")

            let bad = dir.appendingPathComponent("bad.yaml")
            try String(contentsOfFile: config, encoding: .utf8).replacingOccurrences(of: "degrees: 10", with: "degrees: -10")
                .write(to: bad, atomically: true, encoding: .utf8)
            let refused = await runDLT(["augment", bad.path, "-o", dir.appendingPathComponent("no.png").path])
            #expect(refused.code == 2)
            #expect(refused.stderr.hasPrefix("dlt: error: \(bad.path):"), "\(refused.stderr)")
            #expect(refused.stderr.split(separator: "\n").count == 1)
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("no.png").path))
        }
    }
}
