import Foundation

/// Per-layer wall time, accumulated by Graph while set (`dlt bench`).
public final class LayerTimer {
    public var forwardSeconds: [Double]
    public var backwardSeconds: [Double]

    public init(layers: Int) {
        forwardSeconds = Array(repeating: 0, count: layers)
        backwardSeconds = Array(repeating: 0, count: layers)
    }

    @inline(__always)
    public static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}
