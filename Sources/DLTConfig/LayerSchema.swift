/// What one layer type accepts in a config: its keys with their kinds, defaults and the texts
/// that errors and docs/config.md show. The entries live with the layers (DLTTrain's layer
/// types); DLTConfig reads a `LayerSchemaTable` of them and knows nothing of the engine.
public struct LayerSchema: Sendable {
    /// How many inputs a layer of the type reads.
    public enum Arity: Sendable {
        /// One: the layer before it, the model input, or the one named in `inputs`.
        case single
        /// Two or more, all named in `inputs` (add, concat).
        case merge
    }

    /// The config name: `conv2d`.
    public let type: String
    public let keys: [LayerKey]
    public let arity: Arity
    /// For docs/config.md: what the layer does, where its keys do not say it (`mean over H, W`).
    public let summary: String
    /// A check across keys (output_padding < stride), given the values after defaults; returns
    /// the key to blame and the message, or nil.
    public let crossCheck: (@Sendable ([String: ConfigValue]) -> (key: String, message: String)?)?

    public init(type: String, keys: [LayerKey] = [], arity: Arity = .single, summary: String = "",
                crossCheck: (@Sendable ([String: ConfigValue]) -> (key: String, message: String)?)? = nil) {
        self.type = type; self.keys = keys; self.arity = arity; self.summary = summary; self.crossCheck = crossCheck
    }
}

/// One key of a layer type.
public struct LayerKey: Sendable {
    public enum Kind: Sendable {
        case positiveInt
        /// `3` or `[3, 5]`, each ≥ the bound
        case intPair(atLeast: Int)
        /// `valid`, `same`, or a number / [h, w] of zero-padding ≥ 0
        case padding
        /// one of `ActivationName`
        case activation
        case bool
        /// a name, or `{name, std}` / `{name, value}`: read into `LayerSpec.initializer`
        case initializer
        /// a number satisfying `check`, described by `allowed` ("in [0, 1)")
        case number(allowed: String, check: @Sendable (Double) -> Bool)
        /// a list of sizes > 0, one of which may be -1 (inferred, as in torch.reshape)
        case shape
        /// a tensor axis other than 0 (the batch); negative counts from the end
        case axis
    }

    /// Where a key's value comes from when the config does not give it.
    public enum Default: Sendable {
        /// The key must be given.
        case required
        case value(ConfigValue)
        /// Another key's value (a pool's stride is its size).
        case sameAs(String)
    }

    public let name: String
    public let kind: Kind
    public let fallback: Default
    /// docs/config.md's default column, when the plain value needs a source ("0.5 (PyTorch)").
    public let defaultText: String?
    /// docs/config.md's meaning column.
    public let meaning: String

    public init(_ name: String, _ kind: Kind, _ fallback: Default = .required, shown defaultText: String? = nil,
                meaning: String = "") {
        self.name = name; self.kind = kind; self.fallback = fallback; self.defaultText = defaultText; self.meaning = meaning
    }

    public var isRequired: Bool {
        if case .required = fallback { return true }
        return false
    }

    /// What a required key expects, for "missing key" messages.
    var expectation: String {
        switch kind {
        case .positiveInt: return "a positive whole number"
        case .intPair: return "a number or [height, width]"
        case .shape: return "a list of sizes, e.g. [64, 7, 7]"
        default: return "a value"
        }
    }
}

/// The layer types a config may use, in the order docs/config.md lists them.
public struct LayerSchemaTable: Sendable {
    public let schemas: [LayerSchema]
    private let byType: [String: LayerSchema]

    public init(_ schemas: [LayerSchema]) {
        self.schemas = schemas
        byType = Dictionary(schemas.map { ($0.type, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public var types: [String] { schemas.map(\.type) }
    public subscript(type: String) -> LayerSchema? { byType[type] }
}
