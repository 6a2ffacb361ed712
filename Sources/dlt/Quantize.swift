import ArgumentParser
import DLTData
import DLTTrain
import Foundation

struct Quantize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Post-training static int8 quantization: a QDQ ONNX model, with float and int8 test accuracy.")

    @OptionGroup var checkpoint: CheckpointArgument
    @Option(name: .shortAndLong, help: "The int8 ONNX file to write.") var output: String
    @Option(help: "Training samples whose activation ranges set the int8 scales, at least 1.") var calibration = 512
    @Flag(help: "One weight scale per output channel instead of one per tensor.") var perChannel = false
    @Option(help: "Also write the int8 simulation's test outputs (N x outputs, float32 .npy), to compare with a runtime.")
    var simulatedOutputs: String?
    @OptionGroup var jsonOutput: JSONOutputOptions
    @OptionGroup var threading: ThreadOptions

    func validate() throws {
        if calibration < 1 { throw ValidationError("--calibration must be at least 1, got \(calibration)") }
    }

    func run() throws {
        let model = try checkpoint.load(threads: threading.threads)
        let result = try PostTrainingQuantization.run(model, calibration: calibration, perChannel: perChannel)
        do { try Data(result.onnx).write(to: URL(fileURLWithPath: output), options: .atomic) } catch {
            throw RunFailure("\(output): cannot write: \(error.localizedDescription)")
        }
        if let path = simulatedOutputs { try NPYWriter.write(result.int8Outputs, shape: result.outputShape, to: path) }
        let ratio = Double(result.int8Bytes) / Double(max(result.floatBytes, 1))
        if jsonOutput.json {
            let fields: [String: Any] = [
                "float_accuracy": result.floatAccuracy, "int8_accuracy": result.int8Accuracy,
                "float_bytes": result.floatBytes, "int8_bytes": result.int8Bytes, "size_ratio": ratio,
                "calibration_samples": result.calibrationSamples, "per_channel": perChannel, "output": output,
            ]
            let json = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: json, as: UTF8.self))
        } else {
            print(String(format: "float accuracy %.4f   int8 accuracy %.4f   (%d calibration samples, %@ weights)",
                         result.floatAccuracy, result.int8Accuracy, result.calibrationSamples, perChannel ? "per-channel" : "per-tensor"))
            print(String(format: "float ONNX %d bytes   int8 ONNX %d bytes (%.1f%%)", result.floatBytes, result.int8Bytes, 100 * ratio))
            print(output)
        }
    }
}
