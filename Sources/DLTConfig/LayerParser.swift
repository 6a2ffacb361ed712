import Yams

/// Reads one `model.layers` entry: `- conv2d: {filters: 32, kernel: 3}`, `- flatten: {}`,
/// `- flatten:` or `- flatten`.
struct LayerParser {
    let reader: ValueReader

    func parse(_ node: Node, index: Int) throws -> LayerSpec {
        let typeNode: Node
        let optionsNode: Node?
        switch node {
        case .scalar where !reader.isNull(node):
            typeNode = node
            optionsNode = nil
        case .mapping(let mapping):
            guard mapping.count == 1, let entry = mapping.first else {
                let keys = mapping.compactMap { $0.key.scalar?.string }.map { "'\($0)'" }.joined(separator: ", ")
                throw reader.error(node, "layer \(index) has \(mapping.count) keys (\(keys)); a layer is one key, its type, "
                    + "with its options indented under it, e.g. '- dense: {units: 10}'")
            }
            typeNode = entry.key
            optionsNode = entry.value
        default:
            throw reader.error(node, "layer \(index) must be a layer type with options, e.g. '- dense: {units: 10}', got \(ValueReader.describe(node))")
        }
        let type = try reader.choice(typeNode, "layer \(index)", LayerCatalog.types, kind: "layer")
        let location = YAMLDocument.location(of: typeNode) ?? SourceLocation(line: 1, column: 1)
        let defaultName = "\(type)_\(index)"
        let options = try optionsNode.map { try MappingReader($0, section: "layer '\(defaultName)' (\(type))", reader: reader) }
        var name = defaultName
        if let options, let nameNode = try options.value("name") {
            name = try reader.string(nameNode, "layer \(index): name")
        }
        let section = "layer '\(name)' (\(type))"
        let catalog = LayerCatalog.keys(for: type)
        guard let options = try optionsNode.map({ try MappingReader($0, section: section, reader: reader) }) else {
            if let missing = catalog.first(where: \.isRequired) {
                throw reader.error(typeNode, "\(section) is missing the required key '\(missing.name)' (\(LayerCatalog.expectation(missing.kind)))")
            }
            return try finish(type: type, name: name, location: location, catalog: catalog, options: nil)
        }
        try options.checkKeys(allowed: catalog.map(\.name) + LayerCatalog.commonKeys)
        return try finish(type: type, name: name, location: location, catalog: catalog, options: options)
    }

    private func finish(type: String, name: String, location: SourceLocation, catalog: [LayerCatalog.Key],
                        options: MappingReader?) throws -> LayerSpec {
        var values: [String: ConfigValue] = [:]
        var locations: [String: SourceLocation] = [:]
        var given: Set<String> = []
        var initializer: (name: String, std: Double?, value: Double?)?
        for key in catalog {
            guard let options, let node = try options.value(key.name) else {
                if let defaultValue = key.defaultValue { values[key.name] = defaultValue }
                if key.isRequired {
                    throw ConfigError(file: reader.file, location: options?.location ?? location,
                                      message: "layer '\(name)' (\(type)) is missing the required key '\(key.name)' (\(LayerCatalog.expectation(key.kind)))")
                }
                continue
            }
            given.insert(key.name)
            locations[key.name] = options.location(of: key.name)
            let what = "layer '\(name)': \(key.name)"
            if case .initializer = key.kind {
                let parsed = try readInitializer(node, what: what)
                initializer = parsed
                values[key.name] = .string(parsed.name)
            } else {
                values[key.name] = try read(node, kind: key.kind, what: what)
            }
        }
        if type == "maxpool2d" || type == "avgpool2d", values["stride"] == nil {
            values["stride"] = values["size"]
        }
        if type == "conv_transpose2d", let options {
            try checkOutputPadding(values: values, options: options, name: name)
        }
        var inputs: [String]?
        var inputLocations: [SourceLocation] = []
        if let options, let node = try options.value("inputs") {
            let items = try reader.sequenceOrScalar(node, "layer '\(name)': inputs")
            guard !items.isEmpty else { throw reader.error(node, "layer '\(name)': inputs is empty; list the layers it reads, or remove 'inputs'") }
            inputs = try items.map { try reader.string($0, "layer '\(name)': each of inputs") }
            inputLocations = items.map { YAMLDocument.location(of: $0) ?? location }
            locations["inputs"] = options.location(of: "inputs")
        }
        if let options, options.node("name") != nil { locations["name"] = options.location(of: "name") }
        let usesInit = catalog.contains { $0.name == "init" }
        let initName = initializer?.name ?? (usesInit ? "glorot_uniform" : nil)
        return LayerSpec(type: type, name: name, inputs: inputs, location: location, values: values, givenKeys: given,
                         initName: initName,
                         initStd: initializer?.std ?? (initName == "normal" ? 0.05 : nil),
                         initValue: initializer?.value ?? (initName == "constant" ? 0 : nil),
                         locations: locations, inputLocations: inputLocations)
    }

    private func read(_ node: Node, kind: LayerCatalog.Kind, what: String) throws -> ConfigValue {
        switch kind {
        case .positiveInt:
            return .int(try reader.int(node, what, atLeast: 1))
        case .intPair(let minimum):
            return try reader.intPair(node, what, atLeast: minimum)
        case .padding:
            if node.resolvedTagName == .str, case .scalar(let scalar) = node {
                guard scalar.string == "valid" || scalar.string == "same" else {
                    let hint = NameSuggestion.hint(for: scalar.string, in: ["valid", "same"])
                    throw reader.error(node, "\(what) must be valid, same, or a number ≥ 0 (or [height, width]), got '\(scalar.string)'\(hint)")
                }
                return .string(scalar.string)
            }
            return try reader.intPair(node, what, atLeast: 0)
        case .activation:
            return .string(try reader.choice(node, what, LayerCatalog.activations, kind: "activation"))
        case .bool:
            return .bool(try reader.bool(node, what))
        case .number(let allowed, let check):
            return .double(try reader.double(node, what, allowed, check))
        case .shape:
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
        case .axis:
            let axis = try reader.int(node, what)
            guard axis != 0 else {
                throw reader.error(node, "\(what) must not be 0: axis 0 is the batch; use 1 for channels/features or a negative axis from the end")
            }
            return .int(axis)
        case .initializer:
            return .string(try readInitializer(node, what: what).name)
        }
    }

    /// `init: he_normal`, `init: {name: normal, std: 0.02}` or `init: {name: constant, value: 0.1}`.
    private func readInitializer(_ node: Node, what: String) throws -> (name: String, std: Double?, value: Double?) {
        if case .mapping = node {
            let options = try MappingReader(node, section: what, reader: reader)
            try options.checkKeys(allowed: ["name", "std", "value"])
            let nameNode = try options.required("name", "one of \(NameSuggestion.list(LayerCatalog.initializers))")
            let name = try reader.choice(nameNode, "\(what) name", LayerCatalog.initializers, kind: "init")
            let std = try options.double("std", "> 0", { $0 > 0 })
            let value = try options.double("value", "a finite number", { _ in true })
            if std != nil, name != "normal" {
                throw reader.error(options.node("std"), "\(what): std applies only to the 'normal' init, not '\(name)'")
            }
            if value != nil, name != "constant" {
                throw reader.error(options.node("value"), "\(what): value applies only to the 'constant' init, not '\(name)'")
            }
            return (name, std, value)
        }
        return (try reader.choice(node, what, LayerCatalog.initializers, kind: "init"), nil, nil)
    }

    /// PyTorch's rule for transposed convolutions: output_padding < stride in each direction.
    private func checkOutputPadding(values: [String: ConfigValue], options: MappingReader, name: String) throws {
        func pair(_ value: ConfigValue?) -> (Int, Int) {
            switch value {
            case .int(let v)?: return (v, v)
            case .list(let items)? where items.count == 2:
                if case .int(let a) = items[0], case .int(let b) = items[1] { return (a, b) }
                return (0, 0)
            default: return (0, 0)
            }
        }
        let outputPadding = pair(values["output_padding"]), stride = pair(values["stride"])
        if outputPadding.0 >= stride.0 || outputPadding.1 >= stride.1 {
            throw reader.error(options.node("output_padding"),
                               "layer '\(name)': output_padding must be smaller than stride (\(stride.0), \(stride.1)) in each direction")
        }
    }
}
