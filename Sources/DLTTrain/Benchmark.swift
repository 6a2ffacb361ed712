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
    /// small model is not timed over a few milliseconds.
    public static func run(setup: ModelSetup, batchSize: Int, steps: Int?, warmup: Int = 5, seconds: Double = 1) throws -> Figures {
        let graph = setup.graph
        let split = setup.split
        var random = SeededRandom(seed: 7)
        let input = Tensor(shape: graph.inputShape.batched(batchSize))
        for i in 0..<input.count { input[i] = random.normal() }
        let labels = (0..<batchSize).map { _ in Int32(random.below(max(setup.task.classCount, 1))) }
        let targets = Tensor(shape: graph.outputShape.batched(batchSize))
        for i in 0..<targets.count { targets[i] = random.nextFloat() }
        let named = graph.namedParameters.filter { $0.parameter.isTrainable }.map { NamedParameter(name: $0.name, parameter: $0.parameter) }
        let optimizer = setup.config.optimizer.makeOptimizer(parameters: named)
        let training = LayerContext(split: split, training: true, stepSeed: 1)
        let inference = LayerContext(split: split, training: false)

        func trainStep() throws {
            graph.zeroGradients()
            let output = graph.forward(input, context: training)
            try labels.withUnsafeBufferPointer { labelBuffer in
                let target: LossTarget
                switch setup.task {
                case .multiClass, .binary: target = .classes(labelBuffer)
                case .regression: target = .values(UnsafeBufferPointer(targets.buffer))
                case .reconstruction: target = .values(UnsafeBufferPointer(input.buffer))
                }
                _ = try setup.loss.compute(predictions: output, target: target, gradient: graph.outputGradient)
            }
            graph.backward(input: input, context: training)
            optimizer.step()
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
        let infer = timed { _ = graph.forward(input, context: inference) }

        let timer = LayerTimer(layers: graph.nodes.count)
        graph.timer = timer
        let timedSteps = max(train.steps / 2, 1)
        for _ in 0..<timedSteps { try trainStep() }
        graph.timer = nil
        let layers = graph.nodes.enumerated().map { i, node in
            let fwd = timer.forwardSeconds[i] / Double(timedSteps), bwd = timer.backwardSeconds[i] / Double(timedSteps)
            let flops = Double(node.layer.flopsPerSample * batchSize) * 3
            return LayerFigures(name: node.layer.name, type: node.layer.typeName,
                                forwardMilliseconds: fwd * 1000, backwardMilliseconds: bwd * 1000,
                                gflops: fwd + bwd > 0 ? flops / (fwd + bwd) / 1e9 : 0)
        }

        let peak = sgemmPeak(threads: split.threads)
        let trainFLOPs = Double(graph.layers.reduce(0) { $0 + $1.flopsPerSample }) * 3
        let imagesPerSecond = Double(train.steps * batchSize) / train.seconds
        return Figures(batchSize: batchSize, threads: split.threads, imagesPerSecond: imagesPerSecond,
                       inferImagesPerSecond: Double(infer.steps * batchSize) / infer.seconds, sgemmGFLOPS: peak,
                       mfu: trainFLOPs * imagesPerSecond / (peak * 1e9), trainingFLOPsPerSample: trainFLOPs,
                       layers: layers)
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
