import Yams

/// Reads one `model.layers` entry: `- conv2d: {filters: 32, kernel: 3}`, `- flatten: {}`,
/// `- flatten:` or `- flatten`, against its type's schema.
struct LayerParser {
    let reader: ValueReader
    let table: LayerSchemaTable

    /// Keys every layer takes besides its own.
    static let commonKeys = ["name", "inputs"]

    func parse(_ node: Node, index: Int) throws -> LayerSpec {
        let (typeNode, optionsNode) = try split(node, index: index)
        let type = try reader.choice(typeNode, "layer \(index)", table.types, kind: "layer")
        let schema = table[type]!
        let location = YAMLDocument.location(of: typeNode) ?? SourceLocation(line: 1, column: 1)
        let defaultName = "\(type)_\(index)"
        var name = defaultName
        if let optionsNode, let nameNode = try MappingReader(optionsNode, section: "layer '\(defaultName)' (\(type))", reader: reader).value("name") {
            name = try reader.string(nameNode, "layer \(index): name")
        }
        let options = try optionsNode.map { try MappingReader($0, section: "layer '\(name)' (\(type))", reader: reader) }
        try options?.checkKeys(allowed: schema.keys.map(\.name) + Self.commonKeys)
        var read = try readKeys(schema, name: name, location: location, options: options, typeNode: typeNode)
        if let problem = schema.crossCheck?(read.values) {
            throw reader.error(options?.node(problem.key), "layer '\(name)': \(problem.message)")
        }
        let (inputs, inputLocations) = try readInputs(options, name: name, location: location, locations: &read.locations)
        if let options, options.node("name") != nil { read.locations["name"] = options.location(of: "name") }
        let takes = Set(schema.keys.map(\.name))
        return LayerSpec(type: type, name: name, inputs: inputs, location: location, values: read.values,
                         givenKeys: read.given,
                         activation: takes.contains("activation") ? read.activation ?? .linear : nil,
                         initializer: takes.contains("init") ? read.initializer ?? .glorotUniform : nil,
                         locations: read.locations, inputLocations: inputLocations)
    }

    /// The entry's type node and its options node (nil for `- flatten`).
    private func split(_ node: Node, index: Int) throws -> (Node, Node?) {
        switch node {
        case .scalar where !reader.isNull(node):
            return (node, nil)
        case .mapping(let mapping):
            guard mapping.count == 1, let entry = mapping.first else {
                let keys = mapping.compactMap { $0.key.scalar?.string }.map { "'\($0)'" }.joined(separator: ", ")
                throw reader.error(node, "layer \(index) has \(mapping.count) keys (\(keys)); a layer is one key, its type, "
                    + "with its options indented under it, e.g. '- dense: {units: 10}'")
            }
            return (entry.key, entry.value)
        default:
            throw reader.error(node, "layer \(index) must be a layer type with options, e.g. '- dense: {units: 10}', got \(ValueReader.describe(node))")
        }
    }

    /// A layer's own keys after defaults, with the typed activation and initializer.
    private struct ReadKeys {
        var values: [String: ConfigValue] = [:]
        var locations: [String: SourceLocation] = [:]
        var given: Set<String> = []
        var activation: ActivationName?
        var initializer: InitializerSpec?
    }

    private func readKeys(_ schema: LayerSchema, name: String, location: SourceLocation, options: MappingReader?,
                          typeNode: Node) throws -> ReadKeys {
        var result = ReadKeys()
        let section = "layer '\(name)' (\(schema.type))"
        for key in schema.keys {
            guard let options, let node = try options.value(key.name) else {
                switch key.fallback {
                case .value(let value): result.values[key.name] = value
                case .sameAs(let other): result.values[key.name] = result.values[other]
                case .required:
                    throw ConfigError(file: reader.file, location: options?.location ?? YAMLDocument.location(of: typeNode) ?? location,
                                      message: "\(section) is missing the required key '\(key.name)' (\(key.expectation))")
                }
                continue
            }
            result.given.insert(key.name)
            result.locations[key.name] = options.location(of: key.name)
            let what = "layer '\(name)': \(key.name)"
            switch key.kind {
            case .initializer:
                let parsed = try readInitializer(node, what: what)
                result.initializer = parsed.spec
                result.values[key.name] = .string(parsed.name)
            case .activation:
                let activation = ActivationName(rawValue: try reader.choice(node, what, ActivationName.allCases.map(\.rawValue), kind: "activation"))!
                result.activation = activation
                result.values[key.name] = .string(activation.rawValue)
            default:
                result.values[key.name] = try read(node, kind: key.kind, what: what)
            }
        }
        return result
    }

    private func readInputs(_ options: MappingReader?, name: String, location: SourceLocation,
                            locations: inout [String: SourceLocation]) throws -> ([String]?, [SourceLocation]) {
        guard let options, let node = try options.value("inputs") else { return (nil, []) }
        let items = try reader.sequenceOrScalar(node, "layer '\(name)': inputs")
        guard !items.isEmpty else { throw reader.error(node, "layer '\(name)': inputs is empty; list the layers it reads, or remove 'inputs'") }
        let inputs = try items.map { try reader.string($0, "layer '\(name)': each of inputs") }
        locations["inputs"] = options.location(of: "inputs")
        return (inputs, items.map { YAMLDocument.location(of: $0) ?? location })
    }

    private func read(_ node: Node, kind: LayerKey.Kind, what: String) throws -> ConfigValue {
        switch kind {
        case .positiveInt:
            return .int(try reader.int(node, what, atLeast: 1))
        case .intPair(let minimum):
            return try reader.intPair(node, what, atLeast: minimum)
        case .padding:
            return try readPadding(node, what: what)
        case .bool:
            return .bool(try reader.bool(node, what))
        case .number(let allowed, let check):
            return .double(try reader.double(node, what, allowed, check))
        case .shape:
            return try readShape(node, what: what)
        case .axis:
            let axis = try reader.int(node, what)
            guard axis != 0 else {
                throw reader.error(node, "\(what) must not be 0: axis 0 is the batch; use 1 for channels/features or a negative axis from the end")
            }
            return .int(axis)
        case .activation, .initializer:
            preconditionFailure("read by readKeys")
        }
    }

    private func readPadding(_ node: Node, what: String) throws -> ConfigValue {
        if node.resolvedTagName == .str, case .scalar(let scalar) = node {
            guard scalar.string == "valid" || scalar.string == "same" else {
                let hint = NameSuggestion.hint(for: scalar.string, in: ["valid", "same"])
                throw reader.error(node, "\(what) must be valid, same, or a number ≥ 0 (or [height, width]), got '\(scalar.string)'\(hint)")
            }
            return .string(scalar.string)
        }
        return try reader.intPair(node, what, atLeast: 0)
    }

    private func readShape(_ node: Node, what: String) throws -> ConfigValue {
        let items = try reader.sequenceOrScalar(node, what)
        guard !items.isEmpty else { throw reader.error(node, "\(what) must list at least one size") }
        let sizes = try items.map { try reader.int($0, "\(what) entries", atLeast: -1) }
        if let zero = sizes.firstIndex(of: 0) {
            throw reader.error(items[zero], "\(what) sizes must be positive (or one -1 to infer), got 0")
        }
        if sizes.filter({ $0 == -1 }).count > 1 {
            throw reader.error(node, "\(what) may contain -1 (inferred size) only once")
        }
        return .list(sizes.map { .int($0) })
    }

    /// `init: he_normal`, `init: {name: normal, std: 0.02}` or `init: {name: constant, value: 0.1}`.
    private func readInitializer(_ node: Node, what: String) throws -> (name: String, spec: InitializerSpec) {
        let names = InitializerSpec.names
        guard case .mapping = node else {
            let name = try reader.choice(node, what, names, kind: "init")
            return (name, InitializerSpec.named(name, std: nil, value: nil)!)
        }
        let options = try MappingReader(node, section: what, reader: reader)
        try options.checkKeys(allowed: ["name", "std", "value"])
        let nameNode = try options.required("name", "one of \(NameSuggestion.list(names))")
        let name = try reader.choice(nameNode, "\(what) name", names, kind: "init")
        let std = try options.double("std", "> 0", { $0 > 0 })
        let value = try options.double("value", "a finite number", { _ in true })
        if std != nil, name != "normal" {
            throw reader.error(options.node("std"), "\(what): std applies only to the 'normal' init, not '\(name)'")
        }
        if value != nil, name != "constant" {
            throw reader.error(options.node("value"), "\(what): value applies only to the 'constant' init, not '\(name)'")
        }
        return (name, InitializerSpec.named(name, std: std, value: value)!)
    }
}
