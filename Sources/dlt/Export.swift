import ArgumentParser
import DLTTrain
import Foundation

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Export a checkpoint's model as ONNX or its weights as safetensors.")

    enum Format: String, ExpressibleByArgument { case onnx, safetensors }

    @OptionGroup var checkpoint: CheckpointArgument
    @Option(help: "onnx or safetensors.") var format: Format
    @Option(name: .shortAndLong, help: "Output file (default: next to the checkpoint, model.onnx or weights.safetensors).")
    var output: String?

    func run() throws {
        let model = try checkpoint.load(threads: 1)
        let directory = (checkpoint.checkpoint as NSString).deletingLastPathComponent
        let base = directory.isEmpty ? "" : directory + "/"
        switch format {
        case .safetensors:
            let path = output ?? base + "weights.safetensors"
            try WeightsExport.write(model, to: path)
            print(path)
        case .onnx:
            let path = output ?? base + "model.onnx"
            try OnnxExport.write(model, to: path)
            print(path)
        }
    }
}
