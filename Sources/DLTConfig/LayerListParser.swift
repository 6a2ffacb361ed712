import Yams

/// Reads `model.layers` and checks what connects the layers: unique names, `inputs` that name
/// earlier layers (the list must be in topological order, so a cycle shows up as a forward
/// reference), and the number of inputs each type takes.
struct LayerListParser {
    let reader: ValueReader
    let table: LayerSchemaTable

    func parse(_ node: Node) throws -> [LayerSpec] {
        let items = try reader.sequence(node, "model.layers")
        guard !items.isEmpty else {
            throw reader.error(node, "model.layers is empty; list at least one layer, e.g. '- dense: {units: 10}'")
        }
        let layerParser = LayerParser(reader: reader, table: table)
        let layers = try items.enumerated().map { try layerParser.parse($0.element, index: $0.offset) }
        try checkNames(layers)
        try checkInputs(layers)
        return layers
    }

    private func checkNames(_ layers: [LayerSpec]) throws {
        var firstUse: [String: LayerSpec] = [:]
        for layer in layers {
            if layer.name == LayerSpec.modelInputName {
                throw error(at: layer.location(of: "name"),
                            "layer name '\(layer.name)' is reserved for the model input (in 'inputs:'); choose another name")
            }
            if let first = firstUse[layer.name] {
                let given = layer.locationOfName != nil
                throw error(at: layer.location(of: "name"),
                            "duplicate layer name '\(layer.name)' (first used by the layer at line \(first.location.line)); "
                            + (given ? "layer names must be unique" : "give one of them a different 'name:'"))
            }
            firstUse[layer.name] = layer
        }
    }

    private func checkInputs(_ layers: [LayerSpec]) throws {
        let indexOfName = Dictionary(layers.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { first, _ in first })
        for (index, layer) in layers.enumerated() {
            let isMerge = table[layer.type]?.arity == .merge
            guard let inputs = layer.inputs else {
                if isMerge {
                    throw error(at: layer.location,
                                "layer '\(layer.name)' (\(layer.type)) merges two or more layers; list them with 'inputs: [a, b]'")
                }
                continue
            }
            if isMerge, inputs.count < 2 {
                throw error(at: layer.location(of: "inputs"),
                            "layer '\(layer.name)' (\(layer.type)) merges two or more layers, got \(inputs.count) in 'inputs'")
            }
            if !isMerge, inputs.count > 1 {
                throw error(at: layer.location(of: "inputs"),
                            "layer '\(layer.name)' (\(layer.type)) reads one input, got \(inputs.count); merge them first with an add or concat layer")
            }
            for (position, input) in inputs.enumerated() {
                let place = position < layer.inputLocations.count ? layer.inputLocations[position] : layer.location(of: "inputs")
                if input == LayerSpec.modelInputName { continue }
                if input == layer.name {
                    throw error(at: place, "layer '\(layer.name)' lists itself in 'inputs'; a layer cannot read its own output (that would be a cycle)")
                }
                guard let inputIndex = indexOfName[input] else {
                    let earlier = [LayerSpec.modelInputName] + layers[..<index].map(\.name)
                    throw error(at: place, "layer '\(layer.name)': " + ValueReader.unknownName(kind: "input layer", name: input, allowed: earlier))
                }
                if inputIndex > index {
                    throw error(at: place, "layer '\(layer.name)' reads '\(input)', which comes later (line \(layers[inputIndex].location.line)); "
                                + "layers must be listed in topological order, so 'inputs' can only name earlier layers (or 'input')")
                }
            }
        }
    }

    private func error(at location: SourceLocation, _ message: String) -> ConfigError {
        ConfigError(file: reader.file, location: location, message: message)
    }
}

extension LayerSpec {
    var locationOfName: SourceLocation? { locations["name"] }
}
