import DLTConfig
import DLTCore
import DLTNN
import DLTTrain
import Foundation
import Testing

/// A final layer's sigmoid (or softmax) moves into the fused loss for every layer type that has
/// an output activation, conv_transpose2d included: the graph then outputs logits, the loss
/// applies the sigmoid once, and backward's gradients are those of that loss.
@Suite struct FusedLossActivationTests {
    static func config(finalActivation: String, finalLayer: String) throws -> ModelConfig {
        try ModelConfig.parse(text: """
            model:
              input: [2, 3, 3]
              layers:
                - conv2d: {filters: 3, kernel: 3, activation: tanh}
                - \(finalLayer): {filters: 1, kernel: 1, activation: \(finalActivation)}
            loss: binary_cross_entropy
            """, file: "fused.yaml")
    }

    static let batch = 4
    static let labels: [Int32] = [1, 0, 0, 1]

    static func input() -> Tensor {
        let shape = Shape([2, 3, 3]).batched(batch)
        return Tensor(shape: shape, values: (0..<shape.count).map { Float(($0 * 7) % 11) * 0.2 - 1 })
    }

    /// Mean binary cross-entropy of sigmoid(logits), computed here from its formula.
    static func referenceLoss(logits: [Float]) -> Double {
        zip(logits, labels).reduce(0) { sum, pair in
            let p = 1 / (1 + exp(-Double(pair.0)))
            return sum - (pair.1 == 1 ? log(p) : log(1 - p))
        } / Double(batch)
    }

    @Test(arguments: ["conv_transpose2d", "conv2d"])
    func sigmoidIsAppliedOnceAndGradientsMatchTheLoss(finalLayer: String) throws {
        let setup = try ModelSetup(config: Self.config(finalActivation: "sigmoid", finalLayer: finalLayer), threads: 1, seed: 3)
        let linear = try ModelSetup(config: Self.config(finalActivation: "linear", finalLayer: finalLayer), threads: 1, seed: 3)
        let context = LayerContext(split: setup.split, training: true)
        let x = Self.input()
        let logits = linear.graph.forward(x, context: context).array
        #expect(setup.graph.forward(x, context: context).array == logits, "the graph must output logits")
        #expect(setup.graph.outputActivation == .sigmoid)

        let lossValue = try Self.labels.withUnsafeBufferPointer { labels -> Float in
            setup.graph.zeroGradients()
            let output = setup.graph.forward(x, context: context)
            let value = try setup.loss.compute(predictions: output, target: .classes(labels), gradient: setup.graph.outputGradient)
            setup.graph.backward(input: x, context: context)
            return value
        }
        #expect(abs(Double(lossValue) - Self.referenceLoss(logits: logits)) < 1e-5)

        // Finite differences of the formula's loss through the sigmoid-free twin's weights.
        let epsilon: Float = 1e-2
        for ((name, parameter), (_, twin)) in zip(setup.graph.namedParameters, linear.graph.namedParameters) {
            let p = twin.value.pointer
            for k in 0..<twin.value.count {
                let saved = p[k]
                p[k] = saved + epsilon
                let plus = Self.referenceLoss(logits: linear.graph.forward(x, context: context).array)
                p[k] = saved - epsilon
                let minus = Self.referenceLoss(logits: linear.graph.forward(x, context: context).array)
                p[k] = saved
                let numeric = (plus - minus) / (2 * Double(epsilon))
                let analytic = Double(parameter.gradient[k])
                #expect(abs(numeric - analytic) <= 1e-3 + 1e-2 * abs(numeric), "\(name)[\(k)]: backward \(analytic), finite difference \(numeric)")
            }
        }
    }
}
