import ArgumentParser
import DLTTrain
import Foundation

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure training and inference speed on synthetic data, per layer, against the machine's sgemm peak.")

    @OptionGroup var config: ConfigArgument
    @OptionGroup var batch: BatchSizeOptions
    @OptionGroup var threading: ThreadOptions
    @Option(help: "Timed steps of each phase (default: as many as fill about a second, at least 20).") var steps: Int?
    @OptionGroup var output: JSONOutputOptions

    func validate() throws {
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1, got \(steps)") }
    }

    func run() throws {
        let (model, figures) = try config.with { model in
            let setup = try ModelSetup(config: model, threads: threading.threads, seed: model.seed)
            return (model, try Benchmark.run(setup: setup, batchSize: batch.batchSize ?? model.train.batchSize, steps: steps))
        }
        if output.json {
            let object: [String: Any] = [
                "model": model.name, "batch_size": figures.batchSize, "threads": figures.threads,
                "images_per_second": figures.imagesPerSecond, "infer_images_per_second": figures.inferImagesPerSecond,
                "sgemm_gflops": figures.sgemmGFLOPS, "mfu": figures.mfu,
                "training_flops_per_sample": figures.trainingFLOPsPerSample,
                "layers": figures.layers.map { ["name": $0.name, "type": $0.type, "forward_ms": $0.forwardMilliseconds,
                                                "backward_ms": $0.backwardMilliseconds, "infer_ms": $0.inferenceMilliseconds,
                                                "gflops": $0.gflops] as [String: Any] },
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("\(model.name): batch \(figures.batchSize), \(figures.threads) thread(s)")
        print(String(format: "training   %10.0f images/s", figures.imagesPerSecond))
        print(String(format: "inference  %10.0f images/s", figures.inferImagesPerSecond))
        print(String(format: "sgemm peak %10.1f GFLOP/s (measured now, %d thread(s))", figures.sgemmGFLOPS, figures.threads))
        print(String(format: "MFU        %10.1f %%", figures.mfu * 100))
        print("")
        print("layer                     forward ms  backward ms   GFLOP/s  infer ms")
        for l in figures.layers {
            let label = "\(l.name) (\(l.type))"
            print(label.padding(toLength: 24, withPad: " ", startingAt: 0)
                  + String(format: " %11.3f %12.3f %9.1f %9.3f", l.forwardMilliseconds, l.backwardMilliseconds, l.gflops,
                                         l.inferenceMilliseconds))
        }
    }
}
