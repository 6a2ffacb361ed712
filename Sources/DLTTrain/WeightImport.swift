import DLTCore
import DLTFormats

/// `dlt train --init-from WEIGHTS.safetensors`: weights from another run or from PyTorch (a
/// state_dict renamed to dlt's layer names, PyTorch's layouts). Tensors are matched by name and
/// shape-checked; layers the file does not mention keep their initialisation.
public enum WeightImport {
    /// Loads what the file holds into `graph`; returns the layers it had nothing for.
    public static func load(path: String, into graph: Graph) throws -> [String] {
        let file = try Checkpoint.readInput(path)
        let known = Set(graph.namedParameters.map(\.name))
        var missingLayers: [String] = []
        for node in graph.nodes {
            let layer = node.layer
            var found = 0
            for parameter in layer.parameters {
                let name = "\(layer.name).\(parameter.name)"
                guard let tensor = file[name] else { continue }
                guard tensor.shape == parameter.shape.dims else {
                    throw FormatError(file: path, message: "tensor '\(name)' has shape \(Shape(tensor.shape)), layer '\(layer.name)' needs \(parameter.shape)")
                }
                Checkpoint.copy(tensor.values, into: parameter.value)
                found += 1
            }
            if !layer.parameters.isEmpty && found < layer.parameters.count {
                if found > 0 {
                    let absent = layer.parameters.map { "\(layer.name).\($0.name)" }.filter { file[$0] == nil }
                    throw FormatError(file: path, message: "tensor '\(absent[0])' is missing while other tensors of layer '\(layer.name)' are present")
                }
                missingLayers.append(layer.name)
            }
        }
        let model = file.tensors.filter { !$0.name.hasPrefix(Checkpoint.optimizerPrefix) }
        if let stray = model.first(where: { !known.contains($0.name) }) {
            throw FormatError(file: path, message: "tensor '\(stray.name)' matches no layer parameter of this model (parameters are named <layer>.weight, <layer>.bias, ...)")
        }
        return missingLayers
    }
}
