/// Convolution weights re-laid for the register-blocked kernels: [o][c][t] as
/// [o / block][c][t][o % block], zero rows padding o to a multiple of `block`, so that a block's
/// weights for one (channel, tap) are one contiguous read (`ShiftedPlaneConvolution.channelBlock`,
/// `FilterLaneConvolution.filterBlock`). `transposed` reads weights [c][o][t] instead: dX
/// correlates dZ with the weights swapped over their two channel axes.
public enum BlockedWeights {
    public static func count(outChannels: Int, channels: Int, taps: Int, block: Int) -> Int {
        (outChannels + block - 1) / block * block * channels * taps
    }

    public static func pack(_ weights: UnsafePointer<Float>, outChannels: Int, channels: Int, taps: Int, block: Int,
                            transposed: Bool, into packed: UnsafeMutablePointer<Float>) {
        for b in 0..<((outChannels + block - 1) / block) {
            for c in 0..<channels {
                for t in 0..<taps {
                    let target = packed + ((b * channels + c) * taps + t) * block
                    for j in 0..<block {
                        let o = b * block + j
                        guard o < outChannels else { target[j] = 0; continue }
                        target[j] = transposed ? weights[(c * outChannels + o) * taps + t] : weights[(o * channels + c) * taps + t]
                    }
                }
            }
        }
    }
}
