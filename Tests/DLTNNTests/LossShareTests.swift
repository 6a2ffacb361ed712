import DLTCore
import DLTNN
import Testing

/// `meanOver`: a data-parallel rank's part of a batch gets its share of the whole batch's mean.
/// The parts' gradients are the whole batch's gradient rows, bit for bit, and their losses add
/// up to the whole batch's loss, for every loss.
@Suite struct LossShareTests {
    private static let samples = 7, width = 3, cut = 3

    private func tensor(_ values: ArraySlice<Float>, rows: Int) -> Tensor {
        Tensor(shape: [rows, Self.width], values: Array(values))
    }

    private func checkShares(_ loss: any Loss, values: [Float], target: (Range<Int>) -> LossTarget) throws {
        let n = Self.samples, w = Self.width
        let whole = Tensor(shape: [n, w]), parts = [0..<Self.cut, Self.cut..<n]
        let wholeLoss = try loss.compute(predictions: tensor(values[...], rows: n), target: target(0..<n),
                                         gradient: whole)
        var partLosses: [Float] = [], partGradients: [Float] = []
        for part in parts {
            let gradient = Tensor(shape: [part.count, w])
            partLosses.append(try loss.compute(predictions: tensor(values[(part.lowerBound * w)..<(part.upperBound * w)], rows: part.count),
                                               target: target(part), gradient: gradient, meanOver: n))
            partGradients += gradient.array
        }
        #expect(partGradients == whole.array, "\(loss.name)")
        #expect(abs(partLosses.reduce(0, +) - wholeLoss) < 1e-6 * max(1, abs(wholeLoss)), "\(loss.name)")
        #expect(partLosses.allSatisfy { $0 != 0 && $0 != wholeLoss }, "\(loss.name)")
    }

    @Test func partsAddUpToTheWholeBatch() throws {
        let values: [Float] = (0..<(Self.samples * Self.width)).map { Float(($0 * 7) % 11) * 0.3 - 1.4 }
        let labels: [Int32] = [2, 0, 1, 1, 2, 0, 2]
        let binary: [Float] = (0..<values.count).map { Float($0 % 2) }
        let targets: [Float] = (0..<values.count).map { Float($0 % 5) * 0.2 }
        try labels.withUnsafeBufferPointer { all in
            try checkShares(SoftmaxCrossEntropy(), values: values) { .classes(UnsafeBufferPointer(rebasing: all[$0])) }
        }
        try binary.withUnsafeBufferPointer { all in
            let w = Self.width
            try checkShares(BinaryCrossEntropy(), values: values) {
                .values(UnsafeBufferPointer(rebasing: all[($0.lowerBound * w)..<($0.upperBound * w)]))
            }
        }
        try targets.withUnsafeBufferPointer { all in
            let w = Self.width
            try checkShares(MeanSquaredError(), values: values) {
                .values(UnsafeBufferPointer(rebasing: all[($0.lowerBound * w)..<($0.upperBound * w)]))
            }
        }
    }
}
