/// TensorFlow's default histogram buckets (tsl/lib/histogram/histogram.cc): limits grow by
/// ×1.1 from 1e-12 to 1e20 on each side of zero, plus ±DBL_MAX at the ends, so one fixed set of
/// buckets covers every tensor TensorBoard is likely to be shown.
enum HistogramSummary {
    /// Ascending bucket limits; bucket `i` counts values `x` with `limits[i-1] <= x < limits[i]`,
    /// TensorFlow's `upper_bound` rule.
    static let defaultLimits: [Double] = {
        var positive: [Double] = []
        var limit = 1e-12
        while limit < 1e20 {
            positive.append(limit)
            limit *= 1.1
        }
        positive.append(Double.greatestFiniteMagnitude)
        return positive.reversed().map { -$0 } + [0] + positive
    }()

    /// Summarises `values` as TensorBoard's HistogramProto: min, max, count, sum, sum of squares,
    /// and the non-empty buckets, each run of empty buckets merged into one empty bucket, as
    /// TensorFlow's `Histogram::EncodeToProto(preserve_zero_buckets: false)` does.
    /// Non-finite values are skipped: they have no bucket and would make every statistic NaN.
    static func proto(_ values: [Float]) -> Tensorboard_HistogramProto {
        let limits = defaultLimits
        var counts = [Double](repeating: 0, count: limits.count)
        var minimum = Double.infinity, maximum = -Double.infinity
        var number = 0.0, sum = 0.0, sumSquares = 0.0
        limits.withUnsafeBufferPointer { limitsBuffer in
            for value in values where value.isFinite {
                let x = Double(value)
                minimum = Swift.min(minimum, x)
                maximum = Swift.max(maximum, x)
                number += 1
                sum += x
                sumSquares += x * x
                counts[bucketIndex(of: x, limits: limitsBuffer)] += 1
            }
        }
        var proto = Tensorboard_HistogramProto()
        proto.num = number
        proto.min = number > 0 ? minimum : 0
        proto.max = number > 0 ? maximum : 0
        proto.sum = sum
        proto.sumSquares = sumSquares
        guard number > 0 else { return proto }
        var index = 0
        while index < limits.count {
            var end = limits[index]
            let count = counts[index]
            index += 1
            if count <= 0 {
                while index < limits.count && counts[index] <= 0 {
                    end = limits[index]
                    index += 1
                }
            }
            proto.bucketLimit.append(end)
            proto.bucket.append(count)
        }
        return proto
    }

    /// The first bucket whose limit is greater than `x` (TensorFlow's `upper_bound`).
    private static func bucketIndex(of x: Double, limits: UnsafeBufferPointer<Double>) -> Int {
        var low = 0, high = limits.count - 1
        while low < high {
            let middle = (low + high) / 2
            if limits[middle] > x { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
