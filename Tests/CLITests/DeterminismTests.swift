import Foundation
import Testing

/// Same seed and threads: identical weights. Another seed: different weights.
@Suite struct DeterminismTests {
    private func train(_ out: URL, seed: Int) async -> DLTResult {
        await runDLT(["train", "configs/mnist_mlp.yaml", "--out", out.path, "--epochs", "1", "--train-limit", "300",
                "--batch-size", "30", "--threads", "2", "--seed", String(seed)])
    }

    @Test func sameSeedGivesBitIdenticalWeightsAndOtherSeedDoesNot() async throws {
        try await withTemporaryDirectory { dir in
            let runs = [("a", 11), ("b", 11), ("c", 12)].map { (dir.appendingPathComponent($0.0), $0.1) }
            for (out, seed) in runs {
                let result = await train(out, seed: seed)
                #expect(result.code == 0, "\(result.transcript)")
            }
            let files = try runs.map { try SafeTensorsFile(path: $0.0.appendingPathComponent("last.safetensors").path) }
            #expect(!files[0].tensors.isEmpty)
            #expect(files[0].differences(from: files[1]) == [], "same seed, same threads")
            let changed = files[0].differences(from: files[2])
            #expect(changed.contains("dense_1.weight"), "a different seed must change the initial weights")
        }
    }
}
