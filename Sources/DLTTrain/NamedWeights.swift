import DLTCore
import DLTFormats
import DLTNN

/// Assigns a safetensors file's tensors to the graph's parameters by name (`<layer>.<param>`),
/// shape-checked: the one loader behind checkpoints (`Checkpoint.loadWeights`) and
/// `--init-from` (`WeightImport`). A parameter may also come under one of its layer type's
/// `importAliases` (`lstm_1.weight_ih_l0`, PyTorch's name); checkpoints are written with dlt's
/// names. Everything is checked before anything is copied, so a refused file leaves the graph
/// as it was.
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
        var used = Set<String>()
        for layer in graph.layers where !layer.parameters.isEmpty {
            let named = try layer.parameters.map { p in
                (name: "\(layer.name).\(p.name)", parameter: p, found: try tensor(for: p, of: layer, in: file, used: &used, refusal: refusal))
            }
            if named.allSatisfy({ $0.found == nil }) && absentLayers == .keepInitialization {
                absent.append(layer.name)
                continue
            }
            for entry in named {
                guard let found = entry.found else {
                    let others = named.contains { $0.found != nil } ? " while other tensors of layer '\(layer.name)' are present" : ""
                    throw refusal("tensor '\(entry.name)' is missing\(others)")
                }
                guard found.tensor.shape == entry.parameter.shape.dims else {
                    throw refusal("tensor '\(found.name)' has shape \(Shape(found.tensor.shape)), layer '\(layer.name)' needs \(entry.parameter.shape)")
                }
                copies.append((found.tensor.values, entry.parameter.value))
            }
        }
        if let stray = file.tensors.first(where: { !$0.name.hasPrefix(Checkpoint.optimizerPrefix) && !used.contains($0.name) }) {
            throw refusal("tensor '\(stray.name)' matches no layer parameter of this model (parameters are named <layer>.weight, <layer>.bias, ...)")
        }
        for (values, tensor) in copies { Checkpoint.copy(values, into: tensor) }
        return absent
    }

    /// The file's tensor for `parameter`: `<layer>.<param>` or `<layer>.<alias>`, the aliases
    /// its layer type declares; both at once are refused. Adds the name found to `used`.
    private static func tensor(for parameter: Parameter, of layer: Layer, in file: SafeTensorsFile, used: inout Set<String>,
                               refusal: (String) -> FormatError) throws -> (name: String, tensor: NamedTensor)? {
        let aliases = LayerRegistry.importAliases(ofType: layer.typeName).filter { $0.value == parameter.name }.keys.sorted()
        let found = ([parameter.name] + aliases).map { "\(layer.name).\($0)" }.filter { file[$0] != nil }
        guard let name = found.first, let tensor = file[name] else { return nil }
        if found.count > 1 { throw refusal("tensors '\(found[0])' and '\(found[1])' are the same parameter; keep one") }
        used.insert(name)
        return (name, tensor)
    }
}
