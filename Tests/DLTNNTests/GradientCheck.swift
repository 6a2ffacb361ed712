import DLTCore
import DLTNN
import Testing

/// Caffe's GradientChecker for dlt layers: the one finite-difference check every layer test calls.
///
/// For a built layer with random parameters, random inputs (N, inputShape) and a random weight
/// tensor R of the output's shape, the loss is L = sum(y * R), so dL/dy = R. The analytic
/// gradients (`backward` with outputGradient = R) are compared element by element with central
/// differences (L(v + h) - L(v - h)) / 2h, L summed in Double, for the inputs and every trainable
/// parameter; big tensors are checked on a random subset of elements.
///
/// Kinks (relu at 0, max-pool ties) are handled as Caffe's `kink` option intends, but without
/// knowing where they are: when the central difference disagrees, an element whose analytic value
/// matches one of the one-sided differences (L(v + h) - L(v)) / h or (L(v) - L(v - h)) / h while
/// those two disagree has a kink within h; it is counted in `kinks` and not failed.
///
/// The checker also verifies the Layer contract: forward and backward give the same values with
/// 1 and 2 threads, backward overwrites input gradients (they start as NaN) and adds into
/// parameter gradients (a second forward + backward doubles them).
struct GradientCheck {
    enum Inputs {
        /// Uniform in [-limit, limit].
        case uniform(Float)
        /// Uniform magnitude in [low, high] with a random sign: keeps relu-like kinks 'low' away.
        case awayFromZero(low: Float, high: Float)
        /// A random permutation of evenly spaced values `spacing` apart (no near-ties for max pooling).
        case spaced(Float)
        /// Integer token ids in 0..<vocab.
        case ids(vocab: Int)
    }

    var batch = 2
    var inputs: Inputs = .uniform(1)
    var training = true
    var stepSeed: UInt64 = 11
    var seed: UInt64 = 2024
    var step: Float = 1e-2
    var relativeTolerance: Float = 2e-2
    var absoluteTolerance: Float = 2e-3
    /// Elements checked per tensor at most (the rest are skipped).
    var maxChecksPerTensor = 48
    /// False for layers whose inputs get no gradient (embedding ids).
    var checkInputGradients = true
    /// Called after `build` and the parameter fill, before any pass: e.g. to hand a
    /// `SequenceMaskConsumer` its (N, L) mask, as the graph does when it plans.
    var prepare: (Layer) -> Void = { _ in }

    struct Report: CustomStringConvertible {
        var checked = 0
        var kinks = 0
        var failures: [String] = []
        var description: String {
            "checked \(checked), kinks \(kinks), failures \(failures.count): " + failures.prefix(8).joined(separator: "; ")
        }
    }

    /// Builds `layer` for `inputShapes` (per sample), fills its parameters and inputs, and checks it.
    func run(_ layer: Layer, inputShapes: [Shape]) throws -> Report {
        var random = SeededRandom(seed: seed)
        let outputShape = try layer.build(inputShapes: inputShapes)
        fillParameters(layer, &random)
        prepare(layer)
        let xs = inputShapes.map { makeInput($0.batched(batch), &random) }
        let output = Tensor(shape: outputShape.batched(batch))
        let weights = Tensor(shape: output.shape)
        for i in 0..<weights.count { weights[i] = random.uniform(-1, 1) }

        var report = Report()
        let one = analytic(layer, xs, output, weights, threads: 1)
        let two = analytic(layer, xs, output, weights, threads: 2)
        compareThreadCounts(one, two, what: "1 vs 2 threads", &report)
        let accumulated = analytic(layer, xs, output, weights, threads: 1, passes: 2)
        for (k, p) in layer.parameters.enumerated() where p.isTrainable {
            for i in 0..<p.gradient.count where !close(accumulated.parameterGradients[k][i], 2 * one.parameterGradients[k][i]) {
                report.failures.append("\(p.name)[\(i)] not accumulated: \(accumulated.parameterGradients[k][i]) after two passes, \(one.parameterGradients[k][i]) after one")
                break
            }
        }
        for (k, g) in one.inputGradients.enumerated() where g.contains(where: { $0.isNaN }) {
            report.failures.append("input \(k) gradient not overwritten (NaN left)")
        }

        let context = LayerContext(split: ThreadSplit(threads: 1), training: training, stepSeed: stepSeed)
        let loss: () -> Double = {
            layer.forward(inputs: xs, output: output, context: context)
            var sum = 0.0
            for i in 0..<output.count { sum += Double(output[i]) * Double(weights[i]) }
            return sum
        }
        let base = loss()
        if checkInputGradients {
            for (k, x) in xs.enumerated() {
                checkTensor(x, analytic: one.inputGradients[k], name: "input \(k)", base: base, loss: loss, &random, &report)
            }
        }
        for (k, p) in layer.parameters.enumerated() where p.isTrainable {
            checkTensor(p.value, analytic: one.parameterGradients[k], name: p.name, base: base, loss: loss, &random, &report)
        }
        return report
    }

    /// Runs the check and records a failure at the caller when a gradient is wrong or nothing was checked.
    @discardableResult
    func expectCorrect(_ layer: Layer, inputShapes: [Shape],
                       sourceLocation: SourceLocation = #_sourceLocation) throws -> Report {
        let report = try run(layer, inputShapes: inputShapes)
        #expect(report.failures.isEmpty, "\(layer.name): \(report)", sourceLocation: sourceLocation)
        #expect(report.checked > 0, "\(layer.name): nothing was checked", sourceLocation: sourceLocation)
        #expect(report.kinks * 4 <= report.checked, "\(layer.name): too many kinks, \(report)", sourceLocation: sourceLocation)
        return report
    }

    // MARK: - Pieces

    struct Gradients {
        var output: [Float]
        var inputGradients: [[Float]]
        var parameterGradients: [[Float]]
    }

    /// `passes` forward + backward calls from zeroed parameter gradients and NaN input gradients.
    private func analytic(_ layer: Layer, _ xs: [Tensor], _ output: Tensor, _ weights: Tensor,
                          threads: Int, passes: Int = 1) -> Gradients {
        let context = LayerContext(split: ThreadSplit(threads: threads), training: training, stepSeed: stepSeed)
        for p in layer.parameters where p.isTrainable { p.gradient.zero() }
        let grads = xs.map { Tensor(shape: $0.shape) }
        // A forward before every backward, as in gradient accumulation over micro-batches
        // (a layer may reuse forward's scratch during backward).
        for _ in 0..<passes {
            layer.forward(inputs: xs, output: output, context: context)
            for g in grads { g.fill(.nan) }
            layer.backward(inputs: xs, output: output, outputGradient: weights,
                           inputGradients: grads, context: context)
        }
        return Gradients(output: output.array, inputGradients: grads.map(\.array),
                         parameterGradients: layer.parameters.map { $0.isTrainable ? $0.gradient.array : [] })
    }

    /// Results must agree to rounding between thread counts (reductions may be grouped differently).
    private func compareThreadCounts(_ a: Gradients, _ b: Gradients, what: String, _ report: inout Report) {
        let pairs = [("output", a.output, b.output)]
            + zip(a.inputGradients, b.inputGradients).enumerated().map { ("input \($0) gradient", $1.0, $1.1) }
            + zip(a.parameterGradients, b.parameterGradients).enumerated().map { ("parameter \($0) gradient", $1.0, $1.1) }
        for (name, x, y) in pairs {
            for i in x.indices where abs(x[i] - y[i]) > 1e-5 * max(1, abs(x[i])) || x[i].isNaN != y[i].isNaN {
                report.failures.append("\(what): \(name)[\(i)] \(x[i]) vs \(y[i])")
                break
            }
        }
    }

    private func close(_ a: Float, _ b: Float) -> Bool {
        abs(a - b) <= absoluteTolerance + relativeTolerance * max(abs(a), abs(b))
    }

    private func checkTensor(_ tensor: Tensor, analytic: [Float], name: String, base: Double,
                             loss: () -> Double, _ random: inout SeededRandom, _ report: inout Report) {
        let indices = tensor.count <= maxChecksPerTensor
            ? Array(0..<tensor.count) : Array(random.permutation(tensor.count).prefix(maxChecksPerTensor))
        for i in indices {
            let original = tensor[i]
            let up = original + step, down = original - step
            tensor[i] = up
            let lossUp = loss()
            tensor[i] = down
            let lossDown = loss()
            tensor[i] = original
            let central = Float((lossUp - lossDown) / (Double(up) - Double(down)))
            report.checked += 1
            let a = analytic[i]
            if close(a, central) { continue }
            let forward = Float((lossUp - base) / (Double(up) - Double(original)))
            let backward = Float((base - lossDown) / (Double(original) - Double(down)))
            if !close(forward, backward) && (close(a, forward) || close(a, backward)) {
                report.kinks += 1
                continue
            }
            report.failures.append("\(name)[\(i)]: analytic \(a), numeric \(central)")
        }
    }

    private func fillParameters(_ layer: Layer, _ random: inout SeededRandom) {
        if let initializable = layer as? InitializableLayer {
            for p in initializable.parameterInits {
                p.initializer.fill(p.parameter.value, fanIn: p.fanIn, fanOut: p.fanOut, random: &random)
            }
        }
        // Non-zero biases (and, for layers set up in `build`, random scales) exercise every term.
        for p in layer.parameters where p.isTrainable && (p.name == "bias" || !(layer is InitializableLayer)) {
            for i in 0..<p.value.count { p.value[i] = random.uniform(-1, 1) }
        }
    }

    private func makeInput(_ shape: Shape, _ random: inout SeededRandom) -> Tensor {
        let t = Tensor(shape: shape)
        switch inputs {
        case .uniform(let limit):
            for i in 0..<t.count { t[i] = random.uniform(-limit, limit) }
        case .awayFromZero(let low, let high):
            for i in 0..<t.count { t[i] = random.uniform(low, high) * (random.below(2) == 0 ? -1 : 1) }
        case .spaced(let spacing):
            let order = random.permutation(t.count)
            for i in 0..<t.count { t[i] = (Float(order[i]) - Float(t.count) / 2) * spacing }
        case .ids(let vocab):
            for i in 0..<t.count { t[i] = Float(random.below(vocab)) }
        }
        return t
    }
}

/// Builds `layer`, lets `prepare` set its parameters, runs one forward pass on `values`
/// (batch first, one array per input) and returns the output.
func forwardOnce(_ layer: Layer, inputShapes: [Shape], batch: Int, values: [[Float]],
                 training: Bool = false, stepSeed: UInt64 = 0, threads: Int = 1,
                 prepare: () -> Void = {}) throws -> Tensor {
    let outputShape = try layer.build(inputShapes: inputShapes)
    prepare()
    let xs = zip(inputShapes, values).map { Tensor(shape: $0.0.batched(batch), values: $0.1) }
    let output = Tensor(shape: outputShape.batched(batch))
    layer.forward(inputs: xs, output: output,
                  context: LayerContext(split: ThreadSplit(threads: threads), training: training, stepSeed: stepSeed))
    return output
}

/// True when every pair of values differs by at most `tolerance`.
func allClose(_ a: [Float], _ b: [Float], tolerance: Float = 1e-5) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance }
}

/// Runs `body` and returns the EngineError it throws, or nil.
func engineError(_ body: () throws -> Void) -> EngineError? {
    do { try body() } catch let error as EngineError { return error } catch { return nil }
    return nil
}
