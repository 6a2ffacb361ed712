import Foundation
import Testing

/// `dlt bench --json`: throughput, peak SGEMM, MFU and per-layer timings.
@Suite struct BenchCommandTests {
    @Test func jsonHasSpecKeysAndOneEntryPerLayer() async throws {
        let result = await runDLT(["bench", "configs/mnist_mlp.yaml", "--steps", "3", "--json", "--batch-size", "16", "--threads", "1"])
        #expect(result.code == 0, "\(result.transcript)")
        let report = try #require(jsonObject(result.stdout), "stdout is not one JSON object: \(result.stdout.prefix(300))")
        for key in ["images_per_second", "infer_images_per_second", "sgemm_gflops", "mfu"] {
            let value = try #require(report[key] as? Double, "bench --json lacks \(key)")
            #expect(value > 0 && value.isFinite, "\(key) = \(value)")
        }
        // MFU is the model's FLOP/s over the peak measured in the same run. Both are timings, and
        // the tests run side by side on two cores, so the check is of the formula, not a bound:
        // 3 x the forward FLOPs of 784-64-10 (2 per multiply-add), times images/s, over the peak.
        let mfu = try #require(report["mfu"] as? Double)
        let flops = try #require(report["training_flops_per_sample"] as? Double)
        #expect(flops == 3 * 2 * (784 * 64 + 64 * 10))
        let images = try #require(report["images_per_second"] as? Double), peak = try #require(report["sgemm_gflops"] as? Double)
        #expect(abs(mfu - flops * images / (peak * 1e9)) <= 1e-9 * max(mfu, 1))
        let layers = try #require(report["layers"] as? [[String: Any]])
        #expect(layers.compactMap { $0["name"] as? String } == ["flatten_0", "dense_1", "dense_2"])
        for layer in layers {
            for key in ["forward_ms", "backward_ms", "infer_ms"] { #expect(layer[key] is NSNumber, "layer entry lacks \(key)") }
            #expect(layer.keys.contains { $0.lowercased().contains("gflop") }, "layer entry lacks GFLOP/s")
        }
    }
}
