import DLTCore
import Testing

/// What a gradient check found: elements compared, elements excused as kinks, and failures.
public struct GradientReport: CustomStringConvertible {
    public var checked = 0
    public var kinks = 0
    public var failures: [String] = []

    public init() {}

    public var description: String {
        "checked \(checked), kinks \(kinks), failures \(failures.count): " + failures.prefix(8).joined(separator: "; ")
    }

    /// Records a failure at the caller when a gradient is wrong, nothing was checked, or more
    /// than a quarter of the elements were excused as kinks.
    public func expectCorrect(_ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(failures.isEmpty, "\(what): \(self)", sourceLocation: sourceLocation)
        #expect(checked > 0, "\(what): nothing was checked", sourceLocation: sourceLocation)
        #expect(kinks * 4 <= checked, "\(what): too many kinks, \(self)", sourceLocation: sourceLocation)
    }
}

/// The one finite-difference comparison that layer, loss and graph tests share (the core of
/// Caffe's GradientChecker): any scalar loss over any tensors, the analytic gradient given.
///
/// Each checked element v is compared with the central difference (L(v + h) - L(v - h)) / 2h,
/// L computed in Double. Kinks (relu at 0, max-pool ties) are handled as Caffe's `kink` option
/// intends, but without knowing where they are: when the central difference disagrees, an
/// element whose analytic value matches one of the one-sided differences while those two
/// disagree has a kink within h; it is counted in `kinks` and not failed.
public struct FiniteDifference {
    public var step: Float
    public var relativeTolerance: Float
    public var absoluteTolerance: Float
    /// Elements checked per tensor at most (a random subset of bigger tensors).
    public var maxChecksPerTensor: Int

    public init(step: Float = 1e-2, relativeTolerance: Float = 2e-2, absoluteTolerance: Float = 2e-3,
                maxChecksPerTensor: Int = .max) {
        self.step = step
        self.relativeTolerance = relativeTolerance
        self.absoluteTolerance = absoluteTolerance
        self.maxChecksPerTensor = maxChecksPerTensor
    }

    public func isClose(_ a: Float, _ b: Float) -> Bool {
        abs(a - b) <= absoluteTolerance + relativeTolerance * max(abs(a), abs(b))
    }

    /// Compares `analytic` (dL/d`tensor`, element by element) with differences of `loss`, which
    /// must read `tensor`'s current values. `random` picks the subset of a big tensor.
    public func check(_ tensor: Tensor, analytic: [Float], name: String, loss: () throws -> Double,
                      random: inout SeededRandom, report: inout GradientReport) rethrows {
        precondition(analytic.count == tensor.count, "\(name): \(analytic.count) analytic values for \(tensor.count) elements")
        let base = try loss()
        let indices = tensor.count <= maxChecksPerTensor
            ? Array(0..<tensor.count) : Array(random.permutation(tensor.count).prefix(maxChecksPerTensor))
        for i in indices {
            let original = tensor[i]
            let up = original + step, down = original - step
            tensor[i] = up
            let lossUp = try loss()
            tensor[i] = down
            let lossDown = try loss()
            tensor[i] = original
            let central = Float((lossUp - lossDown) / (Double(up) - Double(down)))
            report.checked += 1
            let a = analytic[i]
            if isClose(a, central) { continue }
            let forward = Float((lossUp - base) / (Double(up) - Double(original)))
            let backward = Float((base - lossDown) / (Double(original) - Double(down)))
            if !isClose(forward, backward) && (isClose(a, forward) || isClose(a, backward)) {
                report.kinks += 1
                continue
            }
            report.failures.append("\(name)[\(i)]: analytic \(a), numeric \(central)")
        }
    }

    /// `check` on every element (no random subset needed).
    public func check(_ tensor: Tensor, analytic: [Float], name: String, loss: () throws -> Double,
                      report: inout GradientReport) rethrows {
        var unused = SeededRandom(seed: 0)
        var everything = self
        everything.maxChecksPerTensor = .max
        try everything.check(tensor, analytic: analytic, name: name, loss: loss, random: &unused, report: &report)
    }
}
