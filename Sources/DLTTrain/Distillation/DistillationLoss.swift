import Foundation

/// Hinton's distillation term on (N, K) logits, batch-mean:
///
///     soft = T² · mean_n KL(softmax(teacher_n / T) ‖ softmax(student_n / T))
///     d soft / d student_n = T · (softmax(student_n / T) − softmax(teacher_n / T)) / N
///
/// (the T² keeps the gradient's scale independent of T, as in Hinton et al. 2015).
enum DistillationLoss {
    /// Returns `soft`, the mean over `samples` samples of which these are `rows` (a data-parallel
    /// rank's part, or all of them); with `gradient`, adds `weight` · d soft / d student into it.
    static func apply(student: UnsafePointer<Float>, teacher: UnsafePointer<Float>, rows: Int, classes: Int,
                      meanOver samples: Int, temperature: Float, weight: Float,
                      gradient: UnsafeMutablePointer<Float>?) -> Float {
        var total: Double = 0
        let scale = weight * temperature / Float(samples)
        for n in 0..<rows {
            let s = student + n * classes, t = teacher + n * classes
            let logZs = logSumExp(s, classes, temperature), logZt = logSumExp(t, classes, temperature)
            for k in 0..<classes {
                let logPs = s[k] / temperature - logZs, logPt = t[k] / temperature - logZt
                let pt = exp(logPt)
                total += Double(pt * (logPt - logPs))
                if let gradient { gradient[n * classes + k] += scale * (exp(logPs) - pt) }
            }
        }
        return Float(total / Double(samples)) * temperature * temperature
    }

    /// log Σ exp(x_k / T), shifted by the row's maximum.
    private static func logSumExp(_ x: UnsafePointer<Float>, _ count: Int, _ temperature: Float) -> Float {
        var maximum = -Float.infinity
        for k in 0..<count { maximum = max(maximum, x[k] / temperature) }
        var sum: Float = 0
        for k in 0..<count { sum += exp(x[k] / temperature - maximum) }
        return maximum + log(sum)
    }
}
