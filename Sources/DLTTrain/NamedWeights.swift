import DLTCore
import DLTFormats

/// Assigns a safetensors file's tensors to the graph's parameters by name (`<layer>.<param>`),
/// shape-checked: the one loader behind checkpoints (`Checkpoint.loadWeights`) and
/// `--init-from` (`WeightImport`). Everything is checked before anything is copied, so a refused
/// file leaves the graph as it was.
enum NamedWeights {
    /// What to do with a layer the file holds no tensor of.
    enum AbsentLayers {
        /// A checkpoint restores the whole model: refused.
        case refuse
        /// --init-from: the layer keeps its initialisation (e.g. a new head).
        case keepInitialization
    }

    /// Copies the file's tensors into `graph`; returns the layers it held nothing for (never any
    /// with `.refuse`). Refuses a shape mismatch, a layer with only some of its tensors, and a
    /// model tensor (anything but `optimizer.*`) that names no parameter.
    static func assign(_ file: SafeTensorsFile, path: String, to graph: Graph, absentLayers: AbsentLayers) throws -> [String] {
        let hint = absentLayers == .refuse ? ": the checkpoint was made by a different model" : ""
        func refusal(_ message: String) -> FormatError { FormatError(file: path, message: message + hint) }
        var copies: [(values: [Float], into: Tensor)] = []
        var absent: [String] = []
        for layer in graph.layers where !layer.parameters.isEmpty {
            let named = layer.parameters.map { (name: "\(layer.name).\($0.name)", parameter: $0, tensor: file["\(layer.name).\($0.name)"]) }
            if named.allSatisfy({ $0.tensor == nil }) && absentLayers == .keepInitialization {
                absent.append(layer.name)
                continue
            }
            for entry in named {
                guard let tensor = entry.tensor else {
                    let others = named.contains { $0.tensor != nil } ? " while other tensors of layer '\(layer.name)' are present" : ""
                    throw refusal("tensor '\(entry.name)' is missing\(others)")
                }
                guard tensor.shape == entry.parameter.shape.dims else {
                    throw refusal("tensor '\(entry.name)' has shape \(Shape(tensor.shape)), layer '\(layer.name)' needs \(entry.parameter.shape)")
                }
                copies.append((tensor.values, entry.parameter.value))
            }
        }
        let known = Set(graph.namedParameters.map(\.name))
        if let stray = file.tensors.first(where: { !$0.name.hasPrefix(Checkpoint.optimizerPrefix) && !known.contains($0.name) }) {
            throw refusal("tensor '\(stray.name)' matches no layer parameter of this model (parameters are named <layer>.weight, <layer>.bias, ...)")
        }
        for (values, tensor) in copies { Checkpoint.copy(values, into: tensor) }
        return absent
    }
}
