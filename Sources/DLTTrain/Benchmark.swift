import DLTCore
import DLTNN
import DLTOptim
import Dispatch
import Foundation

/// `dlt bench`: steady-state training and inference speed on synthetic data of the config's
/// shapes, per-layer times, and the machine's sgemm peak measured in the same run, giving the
/// model FLOP utilisation (MFU = model FLOPs per second / peak).
public struct Benchmark {
    public struct LayerFigures {
        public let name: String
        public let type: String
        public let forwardMilliseconds: Double
        public let backwardMilliseconds: Double
        /// The layer's time in the inference plan; 0 for a node that plan folds into the one before.
        public let inferenceMilliseconds: Double
        /// Forward+backward FLOPs (backward counted 2x forward) over their time.
        public let gflops: Double
    }

    public struct Figures {
        public let batchSize: Int
        public let threads: Int
        public let imagesPerSecond: Double
        public let inferImagesPerSecond: Double
        public let sgemmGFLOPS: Double
        public let mfu: Double
        public let trainingFLOPsPerSample: Double
        public let layers: [LayerFigures]
    }

    /// Times `steps` training steps, then `steps` inference passes; with `steps` nil, each phase
    /// runs as many as fill about `seconds` (at least 20), counted from its warm-up, so that a
    /// small model is not timed over a few milliseconds. A training step is the Trainer's own
    /// (`StepRunner.step` and the optimizer), on one synthetic batch loaded once.
    public static func run(setup: ModelSetup, batchSize: Int, steps: Int?, warmup: Int = 5, seconds: Double = 1) throws -> Figures {
        let graph = setup.graph, runner = setup.runner
        let batch = SyntheticBatch(setup: setup, batchSize: batchSize)
        defer { batch.deallocate() }
        runner.load(inputs: UnsafeBufferPointer(batch.inputs), shape: graph.inputShape.batched(batchSize).dims)
        let target = try runner.lossTarget(labels: UnsafeBufferPointer(batch.labels), targets: UnsafeBufferPointer(batch.targets))
        let named = graph.namedParameters.filter { $0.parameter.isTrainable }.map { NamedParameter(name: $0.name, parameter: $0.parameter) }
        let optimizer = setup.config.optimizer.makeOptimizer(parameters: named)
        let training = LayerContext(split: setup.split, training: true, stepSeed: 1)
        let inference = LayerContext(split: setup.split, training: false, inferenceOnly: true)

        func trainStep() throws {
            graph.zeroGradients()
            _ = try runner.step(target: target, context: training, backward: true)
            optimizer.step(split: setup.split)
        }
        func timed(_ body: () throws -> Void) rethrows -> (steps: Int, seconds: Double) {
            let warmStart = LayerTimer.now()
            for _ in 0..<warmup { try body() }
            let perStep = (LayerTimer.now() - warmStart) / Double(max(warmup, 1))
            let count = steps ?? min(max(Int(seconds / max(perStep, 1e-9)), 20), 1_000_000)
            let start = LayerTimer.now()
            for _ in 0..<count { try body() }
            return (count, LayerTimer.now() - start)
        }
        let train = try timed { try trainStep() }
        let infer = timed { _ = runner.forward(context: inference) }
        let layers = try layerFigures(graph, batchSize: batchSize, steps: max(train.steps / 2, 1), inferences: max(infer.steps / 2, 1),
                                      step: trainStep, infer: { _ = runner.forward(context: inference) })

        let peak = sgemmPeak(threads: setup.split.threads)
        let trainFLOPs = Double(graph.layers.reduce(0) { $0 + $1.flopsPerSample }) * 3
        let imagesPerSecond = Double(train.steps * batchSize) / train.seconds
        return Figures(batchSize: batchSize, threads: setup.split.threads, imagesPerSecond: imagesPerSecond,
                       inferImagesPerSecond: Double(infer.steps * batchSize) / infer.seconds, sgemmGFLOPS: peak,
                       mfu: trainFLOPs * imagesPerSecond / (peak * 1e9), trainingFLOPsPerSample: trainFLOPs,
                       layers: layers)
    }

    /// Per-layer forward and backward times over `steps` more training steps, then forward times
    /// over `inferences` more inference passes, with the graph's timer on.
    private static func layerFigures(_ graph: Graph, batchSize: Int, steps: Int, inferences: Int,
                                     step: () throws -> Void, infer: () -> Void) rethrows -> [LayerFigures] {
        let timer = LayerTimer(layers: graph.nodes.count), inferenceTimer = LayerTimer(layers: graph.nodes.count)
        defer { graph.timer = nil }
        graph.timer = timer
        for _ in 0..<steps { try step() }
        graph.timer = inferenceTimer
        for _ in 0..<inferences { infer() }
        return graph.nodes.enumerated().map { i, node in
            let fwd = timer.forwardSeconds[i] / Double(steps), bwd = timer.backwardSeconds[i] / Double(steps)
            let flops = Double(node.layer.flopsPerSample * batchSize) * 3
            return LayerFigures(name: node.layer.name, type: node.layer.typeName,
                                forwardMilliseconds: fwd * 1000, backwardMilliseconds: bwd * 1000,
                                inferenceMilliseconds: inferenceTimer.forwardSeconds[i] / Double(inferences) * 1000,
                                gflops: fwd + bwd > 0 ? flops / (fwd + bwd) / 1e9 : 0)
        }
    }

    /// Random inputs, labels within the model's classes and float targets of the output's shape:
    /// `StepRunner.lossTarget` picks what the task scores against, as it does for real data.
    /// A model that reads token ids gets ids in [1, vocab): real lookups spread over the table and
    /// no padding (id 0), as the PyTorch and onnxruntime sides of `make bench` are fed.
    struct SyntheticBatch {
        let inputs: UnsafeMutableBufferPointer<Float>
        let labels: UnsafeMutableBufferPointer<Int32>
        let targets: UnsafeMutableBufferPointer<Float>

        init(setup: ModelSetup, batchSize: Int) {
            var random = SeededRandom(seed: 7)
            inputs = .allocate(capacity: setup.graph.inputShape.count * batchSize)
            if let vocab = setup.graph.tokenInputs.map(\.vocabularySize).min(), vocab > 1 {
                for i in inputs.indices { inputs[i] = Float(1 + random.below(vocab - 1)) }
            } else {
                for i in inputs.indices { inputs[i] = random.normal() }
            }
            labels = .allocate(capacity: batchSize)
            for i in labels.indices { labels[i] = Int32(random.below(max(setup.task.classCount, 1))) }
            targets = .allocate(capacity: setup.graph.outputShape.count * batchSize)
            for i in targets.indices { targets[i] = random.nextFloat() }
        }

        func deallocate() { inputs.deallocate(); labels.deallocate(); targets.deallocate() }
    }

    /// Peak sgemm GFLOP/s on `threads` cores: each thread multiplies its own 768x768x768 matrices
    /// with single-threaded OpenBLAS, the way the engine uses it; best of three rounds.
    public static func sgemmPeak(threads: Int) -> Double {
        let n = 768
        let matrices = (0..<threads).map { _ in
            (Tensor(shape: [n, n], repeating: 0.5), Tensor(shape: [n, n], repeating: 0.25), Tensor(shape: [n, n]))
        }
        var best = 0.0
        for _ in 0..<3 {
            let start = LayerTimer.now()
            let repeats = 4
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                let (a, b, c) = matrices[t]
                for _ in 0..<repeats {
                    Gemm.multiply(m: n, n: n, k: n, a: a.pointer, lda: n, b: b.pointer, ldb: n, c: c.pointer, ldc: n)
                }
            }
            let seconds = LayerTimer.now() - start
            best = max(best, 2 * Double(n * n * n) * Double(repeats * threads) / seconds / 1e9)
        }
        return best
    }
}
