import DLTCore
import DLTNN
import Testing

/// Caffe's GradientChecker for dlt layers: the one finite-difference check every layer test calls.
///
/// For a built layer with random parameters, random inputs (N, inputShape) and a random weight
/// tensor R of the output's shape, the loss is L = sum(y * R), so dL/dy = R. The analytic
/// gradients (`backward` with outputGradient = R) are compared by `FiniteDifference` for the
/// inputs and every trainable parameter; big tensors are checked on a random subset of elements.
///
/// The checker also verifies the Layer contract: forward and backward give the same values with
/// 1 and 2 threads, backward overwrites input gradients (they start as NaN) and adds into
/// parameter gradients (a second forward + backward doubles them).
public struct GradientCheck {
    public enum Inputs {
        /// Uniform in [-limit, limit].
        case uniform(Float)
        /// Uniform magnitude in [low, high] with a random sign: keeps relu-like kinks 'low' away.
        case awayFromZero(low: Float, high: Float)
        /// A random permutation of evenly spaced values `spacing` apart (no near-ties for max pooling).
        case spaced(Float)
        /// Integer token ids in 0..<vocab.
        case ids(vocab: Int)
    }

    public var batch = 2
    public var inputs: Inputs = .uniform(1)
    public var training = true
    public var stepSeed: UInt64 = 11
    public var seed: UInt64 = 2024
    public var step: Float = 1e-2
    public var relativeTolerance: Float = 2e-2
    public var absoluteTolerance: Float = 2e-3
    /// Elements checked per tensor at most (the rest are skipped).
    public var maxChecksPerTensor = 48
    /// False for layers whose inputs get no gradient (embedding ids).
    public var checkInputGradients = true
    /// Called after `build` and the parameter fill, before any pass: e.g. to hand a
    /// `SequenceMaskConsumer` its (N, L) mask, as the graph does when it plans.
    public var prepare: (Layer) -> Void = { _ in }

    public typealias Report = GradientReport

    public init() {}

    private var differences: FiniteDifference {
        FiniteDifference(step: step, relativeTolerance: relativeTolerance, absoluteTolerance: absoluteTolerance,
                         maxChecksPerTensor: maxChecksPerTensor)
    }

    /// Builds `layer` for `inputShapes` (per sample), fills its parameters and inputs, and checks it.
    public func run(_ layer: Layer, inputShapes: [Shape]) throws -> Report {
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
            for i in 0..<p.gradient.count where !differences.isClose(accumulated.parameterGradients[k][i], 2 * one.parameterGradients[k][i]) {
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
        if checkInputGradients {
            for (k, x) in xs.enumerated() {
                differences.check(x, analytic: one.inputGradients[k], name: "input \(k)", loss: loss,
                                  random: &random, report: &report)
            }
        }
        for (k, p) in layer.parameters.enumerated() where p.isTrainable {
            differences.check(p.value, analytic: one.parameterGradients[k], name: p.name, loss: loss,
                              random: &random, report: &report)
        }
        return report
    }

    /// Runs the check and records a failure at the caller when a gradient is wrong or nothing was checked.
    @discardableResult
    public func expectCorrect(_ layer: Layer, inputShapes: [Shape],
                              sourceLocation: SourceLocation = #_sourceLocation) throws -> Report {
        let report = try run(layer, inputShapes: inputShapes)
        report.expectCorrect(layer.name, sourceLocation: sourceLocation)
        return report
    }

    // MARK: - Pieces

    private struct Gradients {
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

