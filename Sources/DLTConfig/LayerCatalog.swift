/// Every layer type's keys, what each accepts and its default: the one table that both the
/// checker and docs/config.md follow. Shapes are checked later, by the graph builder.
enum LayerCatalog {
    enum Kind {
        case positiveInt
        /// `3` or `[3, 5]`, each ≥ the bound
        case intPair(atLeast: Int)
        /// `valid`, `same`, or a number / [h, w] of zero-padding ≥ 0
        case padding
        case activation
        case bool
        /// a name, or `{name, std}` / `{name, value}`
        case initializer
        /// a number satisfying `check`, described by `allowed` ("in [0, 1)")
        case number(allowed: String, check: (Double) -> Bool)
        /// a list of sizes > 0, one of which may be -1 (inferred, as in torch.reshape)
        case shape
        /// a tensor axis other than 0 (the batch); negative counts from the end
        case axis
    }

    struct Key {
        let name: String
        let kind: Kind
        let defaultValue: ConfigValue?
        var isRequired: Bool { defaultValue == nil && !isDerived }
        /// Defaults computed from another key (pool stride = size).
        let isDerived: Bool

        init(_ name: String, _ kind: Kind, default defaultValue: ConfigValue? = nil, derived: Bool = false) {
            self.name = name
            self.kind = kind
            self.defaultValue = defaultValue
            self.isDerived = derived
        }
    }

    static let types = ["dense", "conv2d", "conv_transpose2d", "maxpool2d", "avgpool2d", "global_avgpool2d",
                        "global_avgpool1d", "flatten", "reshape", "batchnorm", "dropout", "embedding",
                        "relu", "leaky_relu", "sigmoid", "tanh", "gelu", "softmax", "add", "concat"]
    static let mergeTypes: Set<String> = ["add", "concat"]
    static let activations = ["linear", "relu", "leaky_relu", "sigmoid", "tanh", "gelu", "softmax"]
    static let initializers = ["glorot_uniform", "glorot_normal", "he_uniform", "he_normal",
                               "xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal",
                               "normal", "zeros", "ones", "constant"]
    /// Keys every layer takes besides its own.
    static let commonKeys = ["name", "inputs"]

    static func keys(for type: String) -> [Key] {
        let activation = Key("activation", .activation, default: .string("linear"))
        let useBias = Key("use_bias", .bool, default: .bool(true))
        let initializer = Key("init", .initializer, default: .string("glorot_uniform"))
        let kernel = Key("kernel", .intPair(atLeast: 1))
        let stride = Key("stride", .intPair(atLeast: 1), default: .int(1))
        let padding = Key("padding", .padding, default: .string("valid"))
        switch type {
        case "dense":
            return [Key("units", .positiveInt), activation, useBias, initializer]
        case "conv2d":
            return [Key("filters", .positiveInt), kernel, stride, padding,
                    Key("dilation", .intPair(atLeast: 1), default: .int(1)), activation, useBias, initializer]
        case "conv_transpose2d":
            return [Key("filters", .positiveInt), kernel, stride, padding,
                    Key("output_padding", .intPair(atLeast: 0), default: .int(0)), activation, useBias, initializer]
        case "maxpool2d", "avgpool2d":
            return [Key("size", .intPair(atLeast: 1), default: .int(2)),
                    Key("stride", .intPair(atLeast: 1), derived: true), padding]
        case "reshape":
            return [Key("shape", .shape)]
        case "batchnorm":
            return [Key("momentum", .number(allowed: "in [0, 1]", check: { $0 >= 0 && $0 <= 1 }), default: .double(0.1)),
                    Key("epsilon", .number(allowed: "> 0", check: { $0 > 0 }), default: .double(1e-5))]
        case "dropout":
            return [Key("rate", .number(allowed: "in [0, 1)", check: { $0 >= 0 && $0 < 1 }), default: .double(0.5))]
        case "embedding":
            return [Key("vocab", .positiveInt), Key("dim", .positiveInt)]
        case "leaky_relu":
            return [Key("alpha", .number(allowed: "≥ 0", check: { $0 >= 0 }), default: .double(0.01))]
        case "concat":
            return [Key("axis", .axis, default: .int(1))]
        default:
            return []
        }
    }

    /// What a required key expects, for "missing key" messages.
    static func expectation(_ kind: Kind) -> String {
        switch kind {
        case .positiveInt: return "a positive whole number"
        case .intPair: return "a number or [height, width]"
        case .shape: return "a list of sizes, e.g. [64, 7, 7]"
        default: return "a value"
        }
    }
}
