import DLTCore
import DLTData
import DLTNN

/// Runs a trained model on a dataset in eval mode and returns its output tensor with the output
/// activation applied (softmax probabilities, sigmoid probability, or the raw values for mse).
public struct Predictor {
    public let model: TrainedModel

    public init(model: TrainedModel) { self.model = model }

    public func run(_ dataset: Dataset, batchSize: Int = 256) throws -> (values: [Float], width: Int) {
        let graph = model.graph
        let width = graph.outputShape.count
        let normalization = TrainingData.normalization(of: model.config)
        let batcher = try Batcher(dataset: dataset, order: Array(0..<dataset.count), batchSize: batchSize,
                                  normalization: normalization)
        let context = LayerContext(split: model.setup.split, training: false, inferenceOnly: true)
        let input = Tensor(shape: [0])
        var values: [Float] = []
        values.reserveCapacity(dataset.count * width)
        while let batch = batcher.next() {
            input.resize(to: Shape(batch.shape))
            input.pointer.update(from: batch.inputs.baseAddress!, count: batch.inputs.count)
            let output = graph.forward(input, context: context)
            graph.probabilities(output)
            values.append(contentsOf: output.buffer)
        }
        return (values, width)
    }
}
