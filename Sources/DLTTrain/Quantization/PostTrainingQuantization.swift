import DLTCore
import DLTData
import DLTNN
import Foundation

/// `dlt quantize`: post-training static int8. Calibrates every activation's range on the first
/// `calibration` training samples, quantizes weights (symmetric int8, per tensor or per output
/// channel) and biases (int32), measures float and int8 test accuracy (the int8 model simulated
/// with ONNX's rounding and clipping) and builds the QDQ ONNX file that onnxruntime runs.
public enum PostTrainingQuantization {
    public struct Result {
        public let floatAccuracy: Double
        public let int8Accuracy: Double
        public let floatBytes: Int
        public let int8Bytes: Int
        public let calibrationSamples: Int
        /// The QDQ ONNX model, not yet written.
        public let onnx: [UInt8]
        /// The int8 simulation's test outputs as `dlt predict --format npy` gives them (N × outputs).
        public let int8Outputs: [Float]
        public let outputShape: [Int]
    }

    /// Checks the data before any work: a test split with labels, a classification model.
    public static func run(_ model: TrainedModel, calibration: Int, perChannel: Bool) throws -> Result {
        let graph = model.graph
        guard model.task.hasAccuracy else {
            throw UsageError("\(model.checkpointPath): dlt quantize reports test accuracy; this model has none")
        }
        let data = try TrainingData.load(config: model.config, task: model.task, tokenInputs: graph.tokenInputs,
                                         trainLimit: calibration, withTest: true, vocabulary: model.vocabulary)
        guard let test = data.test, test.labels != nil else {
            throw UsageError("the config of \(model.checkpointPath) has no labelled test data (data.test), which dlt quantize measures accuracy on")
        }
        graph.fusesLayers = false   // every node's output is then its own, for calibration and simulation
        let floatBytes = try OnnxExport.build(model).count
        let pass = SamplePass(model: model, normalization: data.normalization)
        let floatRun = try pass.run(test, observer: nil, input: .keep)
        let ranges = RangeObserver(nodes: graph.nodes.count)
        var inputRange = (low: Float.infinity, high: -Float.infinity)
        _ = try pass.run(data.train, observer: ranges, input: .record { lo, hi in
            inputRange = (min(inputRange.low, lo), max(inputRange.high, hi))
        })
        let inputQuantization = graph.tokenInputs.isEmpty ? Int8Quantization.activation(low: inputRange.low, high: inputRange.high) : nil
        let plan = QuantizationPlan(graph: graph, input: inputQuantization, nodes: ranges.parameters, perChannel: perChannel)
        let onnx = try OnnxExport.build(model, quantization: plan)
        plan.applyToWeights()
        let int8Run = try pass.run(test, observer: FakeQuantizer(plan: plan), input: inputQuantization.map { .roundTrip($0) } ?? .keep,
                                   keepOutputs: true)
        return Result(floatAccuracy: floatRun.accuracy, int8Accuracy: int8Run.accuracy, floatBytes: floatBytes,
                      int8Bytes: onnx.count, calibrationSamples: data.train.count, onnx: onnx,
                      int8Outputs: int8Run.outputs, outputShape: [test.count] + graph.outputShape.dims)
    }
}

/// One eval-mode pass over a dataset in order, through the model's step runner, with the graph's
/// output observer set and the model input kept, recorded or quantized.
struct SamplePass {
    enum InputHandling {
        case keep
        case record((Float, Float) -> Void)
        case roundTrip(Int8Quantization)
    }

    let model: TrainedModel
    let normalization: Normalization

    func run(_ dataset: Dataset, observer: NodeOutputObserver?, input: InputHandling,
             keepOutputs: Bool = false) throws -> (accuracy: Double, outputs: [Float]) {
        let runner = model.setup.runner, graph = model.graph
        let batcher = try Batcher(dataset: dataset, order: Array(0..<dataset.count), batchSize: model.config.train.batchSize,
                                  normalization: normalization)
        graph.outputObserver = observer
        defer { graph.outputObserver = nil }
        let context = LayerContext(split: runner.split, training: false)
        var scratch: [Float] = [], outputs: [Float] = [], correct = 0
        while let batch = batcher.next() {
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: batch.inputs)
            scratch.withUnsafeMutableBufferPointer { values in
                switch input {
                case .keep: break
                case .record(let record): let (lo, hi) = RangeObserver.range(values.baseAddress!, count: values.count); record(lo, hi)
                case .roundTrip(let q): q.roundTrip(values.baseAddress!, count: values.count)
                }
            }
            scratch.withUnsafeBufferPointer { runner.load(inputs: $0, shape: batch.shape) }
            let output = runner.forward(context: context)
            let width = output.count / batch.count
            for i in 0..<batch.count where batch.labels.map({ model.task.predictedClass(output.pointer + i * width, width: width) == Int($0[i]) }) ?? false {
                correct += 1
            }
            if keepOutputs {
                graph.probabilities(output)
                outputs.append(contentsOf: output.buffer)
            }
        }
        return (dataset.count == 0 ? 0 : Double(correct) / Double(dataset.count), outputs)
    }
}
