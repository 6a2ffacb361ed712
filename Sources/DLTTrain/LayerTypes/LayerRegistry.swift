import DLTConfig

/// Every layer type a config may use, in the order docs/config.md lists them. A new layer type
/// is its own file under LayerTypes/ and one line here.
public enum LayerRegistry {
    static let types: [any LayerType.Type] = [
        DenseType.self,
        Conv2DType.self,
        ConvTranspose2DType.self,
        MaxPool2DType.self,
        AvgPool2DType.self,
        GlobalAvgPool2DType.self,
        GlobalAvgPool1DType.self,
        Conv1DType.self,
        MaxPool1DType.self,
        GlobalMaxPool1DType.self,
        FlattenType.self,
        ReshapeType.self,
        BatchNormType.self,
        LayerNormType.self,
        DropoutType.self,
        EmbeddingType.self,
        LSTMType.self,
        GRUType.self,
        PositionalEmbeddingType.self,
        MultiheadAttentionType.self,
        ReluType.self,
        LeakyReluType.self,
        SigmoidType.self,
        TanhType.self,
        GeluType.self,
        SoftmaxType.self,
        AddType.self,
        ConcatType.self,
    ]

    /// The schemas the config checker reads.
    public static let schemas = LayerSchemaTable(types.map { $0.schema })

    private static let byName: [String: any LayerType.Type] =
        Dictionary(types.map { ($0.schema.type, $0) }, uniquingKeysWith: { first, _ in first })

    /// The import aliases of the layer type named `typeName` (`Layer.typeName`), alias → dlt name.
    static func importAliases(ofType typeName: String) -> [String: String] {
        byName[typeName]?.importAliases ?? [:]
    }

    /// The layer type of a checked entry (the checker only lets registered types through).
    static func type(of spec: LayerSpec) -> any LayerType.Type {
        guard let type = byName[spec.type] else { preconditionFailure("'\(spec.type)' passed the config check but is not registered") }
        return type
    }
}

extension ModelConfig {
    /// Reads and checks a config file with dlt's layer types, `overrides` (`--set`) applied first.
    public static func load(path: String, overrides: [ConfigOverride] = []) throws -> ModelConfig {
        try load(path: path, layerTypes: LayerRegistry.schemas, overrides: overrides)
    }

    /// Checks config text with dlt's layer types; `file` names it in errors.
    public static func parse(text: String, file: String, overrides: [ConfigOverride] = []) throws -> ModelConfig {
        try parse(text: text, file: file, layerTypes: LayerRegistry.schemas, overrides: overrides)
    }
}
