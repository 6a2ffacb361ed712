/// One step of a running maximum with its position, as max pooling keeps it (PyTorch's rule:
/// a value replaces the maximum when it is greater, or when it is NaN and the maximum is not, so
/// the first maximum wins ties and NaN wins): for each i, if row[i] wins over best[i], best[i] =
/// row[i] and index[i] = position. Eight lanes at a time, the same comparisons in each, then the
/// tail one by one. The sequence pools (channels-last rows of C values) fold row after row in.
public enum RunningMaximum {
    public static func fold(_ row: UnsafePointer<Float>, into best: UnsafeMutablePointer<Float>,
                            index: UnsafeMutablePointer<Int32>, position: Int32, count: Int) {
        let here = SIMD8<Int32>(repeating: position)
        var i = 0
        while i + 8 <= count {
            let r = UnsafeRawPointer(row + i).loadUnaligned(as: SIMD8<Float>.self)
            let b = UnsafeRawPointer(best + i).loadUnaligned(as: SIMD8<Float>.self)
            let at = UnsafeRawPointer(index + i).loadUnaligned(as: SIMD8<Int32>.self)
            let wins = (r .> b) .| ((r .!= r) .& (b .== b))
            UnsafeMutableRawPointer(best + i).storeBytes(of: b.replacing(with: r, where: wins), as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(index + i).storeBytes(of: at.replacing(with: here, where: wins), as: SIMD8<Int32>.self)
            i += 8
        }
        while i < count {
            if row[i] > best[i] || (row[i].isNaN && !best[i].isNaN) { best[i] = row[i]; index[i] = position }
            i += 1
        }
    }
}
