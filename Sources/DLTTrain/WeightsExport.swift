import DLTFormats

/// `dlt export --format safetensors`: the model's weights and running statistics alone (no
/// optimizer state), under dlt's layer names in PyTorch's layouts, with the config in the metadata.
public enum WeightsExport {
    public static func write(_ model: TrainedModel, to path: String) throws {
        let tensors = model.graph.namedParameters.map {
            NamedTensor(name: $0.name, shape: $0.parameter.shape.dims, values: $0.parameter.value.array)
        }
        do {
            try SafeTensors.write(SafeTensorsFile(tensors: tensors, metadata: ["config": model.config.text, "producer": "dlt"]),
                                  to: path)
        } catch let error as FormatError {
            throw RunFailure(error.description)
        }
    }
}
