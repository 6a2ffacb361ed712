import DLTFormats

/// `dlt train --init-from WEIGHTS.safetensors`: weights from another run or from PyTorch (a
/// state_dict renamed to dlt's layer names, PyTorch's layouts). Tensors are matched by name and
/// shape-checked; layers the file does not mention keep their initialisation.
public enum WeightImport {
    /// Loads what the file holds into `graph`; returns the layers it had nothing for.
    public static func load(path: String, into graph: Graph) throws -> [String] {
        try NamedWeights.assign(try Checkpoint.readInput(path), path: path, to: graph, absentLayers: .keepInitialization)
    }
}
