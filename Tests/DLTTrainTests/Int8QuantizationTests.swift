import DLTCore
import Testing
@testable import DLTTrain

/// The QuantizeLinear / DequantizeLinear arithmetic and the scales `dlt quantize` derives.
@Suite struct Int8QuantizationTests {
    @Test func quantizeRoundsHalfToEven() {
        let q = Int8Quantization(scale: 1, zeroPoint: 0)
        #expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5].map { q.quantize(Float($0)) } == [0, 2, 2, 0, -2, -2])
    }

    @Test func quantizeClipsAtTheInt8Limits() {
        let q = Int8Quantization(scale: 0.5, zeroPoint: 10)
        #expect(q.quantize(58.5) == 127)     // 117 + 10 = 127 exactly
        #expect(q.quantize(58.75) == 127)    // 117.5 rounds to 118: 128 clips to 127
        #expect(q.quantize(1e9) == 127)
        #expect(q.quantize(-69) == -128)     // -138 + 10
        #expect(q.quantize(-1e9) == -128)
        #expect(q.dequantize(127) == 58.5)
        #expect(q.dequantize(-128) == -69)
    }

    @Test func activationScaleCoversTheRangeAndZero() {
        let q = Int8Quantization.activation(low: -1, high: 3)
        #expect(q.scale == Float(4) / 255)
        #expect(q.zeroPoint == Int32((Float(-128) + 1 / q.scale).rounded(.toNearestOrEven)))   // -64
        #expect(q.quantize(0) == q.zeroPoint)
        #expect(abs(q.dequantize(q.quantize(-1)) + 1) <= q.scale / 2)
        #expect(abs(q.dequantize(q.quantize(3)) - 3) <= q.scale / 2)
        // A ReLU output, all ≥ 0: the range starts at 0, zero point at the bottom.
        let relu = Int8Quantization.activation(low: 0.5, high: 2.55)
        #expect(relu.zeroPoint == -128 && relu.scale == Float(2.55) / 255)
    }

    @Test func degenerateRangesGetScaleOne() {
        #expect(Int8Quantization.activation(low: 0, high: 0) == Int8Quantization(scale: 1, zeroPoint: 0))
        #expect(Int8Quantization.weight(maxMagnitude: 0) == Int8Quantization(scale: 1, zeroPoint: 0))
    }

    @Test func weightScaleIsSymmetricOver127() {
        let q = Int8Quantization.weight(maxMagnitude: 0.254)
        #expect(q.zeroPoint == 0 && q.scale == Float(0.254) / 127)
        #expect(q.quantize(0.254) == 127 && q.quantize(-0.254) == -127)
    }

    @Test func biasIsInt32AtTheProductScale() {
        #expect(Int8Quantization.quantizeBias(0.3, scale: 0.1) == 3)
        #expect(Int8Quantization.quantizeBias(-0.25, scale: 0.1) == -2)   // -2.5 to even
        #expect(Int8Quantization.quantizeBias(1e30, scale: 1e-10) == 2_147_483_520)
    }

    @Test func perChannelMagnitudesFollowTheAxis() {
        let t = Tensor(shape: [2, 3])
        _ = t.buffer.update(fromContentsOf: [1, -5, 2, -3, 4, 0.5] as [Float])
        #expect(QuantizationPlan.channelMagnitudes(t, axis: 0) == [5, 4])
        #expect(QuantizationPlan.channelMagnitudes(t, axis: 1) == [3, 5, 2])
        #expect(QuantizationPlan.channelMagnitudes(t, axis: nil) == [5])
    }
}
