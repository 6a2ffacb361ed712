import DLTCore
@testable import DLTOptim
import Foundation

/// A named parameter with the given values, its gradient zeroed.
func makeParameter(_ name: String, _ values: [Float], trainable: Bool = true) -> NamedParameter {
    let parameter = Parameter(name: String(name.split(separator: ".").last!), shape: Shape([values.count]),
                              isTrainable: trainable)
    set(parameter.value, values)
    return NamedParameter(name: name, parameter: parameter)
}

/// A gradient that changes from step to step and depends on θ, like a real loss's would:
/// g = 0.5 θ + sin(1.3 i + 0.7 step) − 0.2. Returned as the Float values the optimizer sees.
func syntheticGradient(theta: [Double], step: Int) -> [Float] {
    theta.indices.map { i in Float(0.5 * theta[i] + sin(1.3 * Double(i) + 0.7 * Double(step)) - 0.2) }
}

/// Runs `steps` optimizer steps on one parameter with `syntheticGradient`, and the reference
/// `update` in Double on a copy; `update(theta, g, t)` returns the new θ (t counts from 1).
/// Returns the largest relative difference seen after any step.
func compareWithReference(initial: [Float], steps: Int, optimizer makeOptimizer: ([NamedParameter]) -> any Optimizer,
                          update: (inout [Double], [Double], Int) -> Void) -> Double {
    let named = makeParameter("dense_0.weight", initial)
    let optimizer = makeOptimizer([named])
    var theta = initial.map(Double.init)
    var worst = 0.0
    for t in 1...steps {
        let g = syntheticGradient(theta: named.parameter.value.array.map(Double.init), step: t)
        set(named.parameter.gradient, g)
        optimizer.step()
        update(&theta, g.map(Double.init), t)
        for (mine, reference) in zip(named.parameter.value.array, theta) {
            worst = max(worst, abs(Double(mine) - reference) / max(abs(reference), 1e-3))
        }
    }
    return worst
}

/// 37 values: two 16-lane vectors and a tail of 5, so the optimizers' SIMD loops and their
/// scalar tails are both checked against the reference.
let sampleValues: [Float] = [0.5, -1.25, 2.0, 0.0, -0.3, 1.7, -2.2]
    + (7..<37).map { Float((1.8 * sin(0.9 * Double($0))).rounded(toPlaces: 3)) }

private extension Double {
    func rounded(toPlaces places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (self * scale).rounded() / scale
    }
}

/// Overwrites a tensor's elements.
func set(_ tensor: Tensor, _ values: [Float]) {
    precondition(values.count == tensor.count)
    for (i, v) in values.enumerated() { tensor[i] = v }
}
