import DLTCore
import DLTNN
import DLTTrain

extension Graph {
    /// One training step's output and trainable parameter gradients on a fixed random batch of 5
    /// and a fixed output gradient: what the fusion tests compare between fused and separate graphs.
    func fusionProbe(threads: Int) -> (output: [Float], gradients: [[Float]]) {
        let shape = inputShape.batched(5)
        var random = SeededRandom(seed: 9)
        let input = Tensor(shape: shape, values: (0..<shape.count).map { _ in random.uniform(-1, 1) })
        let context = LayerContext(split: ThreadSplit(threads: threads), training: true)
        zeroGradients()
        let output = forward(input, context: context).array
        let dy = outputGradient.pointer
        for i in 0..<outputGradient.count { dy[i] = Float(i % 7) * 0.25 - 0.75 }
        backward(input: input, context: context)
        return (output, namedParameters.filter { $0.parameter.isTrainable }.map { $0.parameter.gradient.array })
    }
}
