import DLTConfig
import DLTCore
import DLTNN

/// Turns the config's layer list into a Graph: each entry's layer type makes the engine layer,
/// and the graph infers and checks shapes. Errors are reported at the layer's place in the YAML.
public enum GraphBuilder {
    public static func build(_ config: ModelConfig) throws -> Graph {
        let graph = Graph(inputShape: Shape(config.input))
        var nodeOfName: [String: Int] = [:]
        for (position, spec) in config.layers.enumerated() {
            let inputs = try sources(of: spec, position: position, nodeOfName: nodeOfName, config: config)
            do {
                let layer = try LayerRegistry.type(of: spec).make(spec)
                try checkMaskSource(layer, inputs: inputs, spec: spec, config: config)
                nodeOfName[spec.name] = try graph.append(layer, inputs: inputs)
            } catch let error as EngineError {
                throw ConfigError(file: config.file, location: spec.location, message: error.message)
            } catch let error as LayerKeyError {
                throw ConfigError(file: config.file, location: spec.location(of: error.key), message: "layer '\(spec.name)': \(error.message)")
            }
        }
        return graph
    }

    /// A padding mask is read from token ids, so its producer (an embedding with mask_zero) must
    /// read the model input: the ONNX export recomputes the mask from `input`.
    private static func checkMaskSource(_ layer: Layer, inputs: [Graph.NodeInput], spec: LayerSpec,
                                        config: ModelConfig) throws {
        guard let producer = layer as? SequenceMaskProducer, producer.outputMask != nil, inputs != [.modelInput] else { return }
        throw ConfigError(file: config.file, location: spec.location(of: "mask_zero"),
                          message: "layer '\(spec.name)': mask_zero needs the layer to read the model input (token ids), not another layer's output")
    }

    /// What the entry reads: its `inputs` by name, else the layer before it (the model input for the first).
    private static func sources(of spec: LayerSpec, position: Int, nodeOfName: [String: Int],
                                config: ModelConfig) throws -> [Graph.NodeInput] {
        guard let names = spec.inputs else { return [position == 0 ? .modelInput : .node(position - 1)] }
        return try names.map { name in
            if let index = nodeOfName[name] { return .node(index) }
            if name == LayerSpec.modelInputName { return .modelInput }
            throw ConfigError(file: config.file, location: spec.location(of: "inputs"),
                              message: "layer '\(spec.name)': input '\(name)' is not an earlier layer")
        }
    }
}
