import Foundation
import Testing
@testable import DLTTrain

/// The soft term of `train.distill`: its value and a finite-difference check of its gradient.
@Suite struct DistillationLossTests {
    private func soft(_ student: [Float], _ teacher: [Float], rows: Int, temperature: Float, gradient: inout [Float]) -> Float {
        gradient.withUnsafeMutableBufferPointer { g in
            DistillationLoss.apply(student: student, teacher: teacher, rows: rows, classes: student.count / rows, meanOver: rows,
                                   temperature: temperature, weight: 1, gradient: g.baseAddress)
        }
    }

    @Test func identicalLogitsCostNothing() {
        var g = [Float](repeating: 0, count: 6)
        let logits: [Float] = [1, -2, 0.5, 3, 0, -1]
        #expect(abs(soft(logits, logits, rows: 2, temperature: 2, gradient: &g)) < 1e-6)
        #expect(g.allSatisfy { abs($0) < 1e-6 })
    }

    @Test func gradientMatchesFiniteDifferences() {
        let student: [Float] = [0.3, -1.2, 2.0, 0.1, 0.7, -0.4, 1.5, -2.2, 0.0, 0.9, -0.3, 0.2]
        let teacher: [Float] = [1.1, 0.4, -0.8, 2.5, -1.0, 0.3, 0.6, 0.2, -1.7, 0.05, 1.4, -0.6]
        for temperature: Float in [1, 4] {
            var g = [Float](repeating: 0, count: student.count), unused = g
            _ = soft(student, teacher, rows: 3, temperature: temperature, gradient: &g)
            let h: Float = 1e-2
            for i in student.indices {
                var plus = student, minus = student
                plus[i] += h; minus[i] -= h
                let numeric = (soft(plus, teacher, rows: 3, temperature: temperature, gradient: &unused)
                    - soft(minus, teacher, rows: 3, temperature: temperature, gradient: &unused)) / (2 * h)
                #expect(abs(numeric - g[i]) < 2e-3 * max(1, abs(numeric)), "T \(temperature), logit \(i): \(numeric) vs \(g[i])")
            }
        }
    }

    @Test func softTermIsTSquaredTimesKL() {
        var g = [Float](repeating: 0, count: 2)
        // T = 1: KL([0.5, 0.5] ‖ softmax([0, ln 3])) = 0.5 ln(0.5/0.25) + 0.5 ln(0.5/0.75)
        let kl = Float(0.5 * log(2.0) + 0.5 * log(2.0 / 3.0)), ln3 = Float(log(3.0))
        #expect(abs(soft([0, ln3], [0, 0], rows: 1, temperature: 1, gradient: &g) - kl) < 1e-6)
        // T = 2 on logits doubled: the same distributions, times 4.
        #expect(abs(soft([0, 2 * ln3], [0, 0], rows: 1, temperature: 2, gradient: &g) - 4 * kl) < 1e-5)
    }
}
