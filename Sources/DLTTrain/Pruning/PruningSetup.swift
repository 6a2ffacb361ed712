import DLTConfig
import DLTCore
import DLTFormats
import DLTNN
import DLTOptim

extension MagnitudePruner {
    /// The layer types whose `weight` is pruned.
    static let prunableTypes = ["dense", "conv2d", "conv1d", "conv_transpose2d"]

    /// The pruner of `train.prune`, or nil without one; refuses a named layer that has no prunable weight.
    static func make(config: ModelConfig, graph: Graph, optimizer: Optimizer) throws -> MagnitudePruner? {
        guard let spec = config.train.prune else { return nil }
        let candidates = graph.layers.filter { prunableTypes.contains($0.typeName) }
        var chosen = candidates
        if let names = spec.layers {
            for name in names where !candidates.contains(where: { $0.name == name }) {
                throw ConfigError(file: config.file, location: config.location(ofKeyPath: "train.prune.layers"),
                                  message: "train.prune: layers: '\(name)' is not a \(prunableTypes.joined(separator: ", ")) layer, so it has no weights to prune")
            }
            chosen = candidates.filter { names.contains($0.name) }
        }
        let layers = chosen.compactMap { layer in
            layer.parameters.first { $0.name == "weight" && $0.isTrainable }.map { (name: layer.name, weight: $0) }
        }
        return MagnitudePruner(schedule: PolynomialDecay(spec), layers: layers, optimizer: optimizer)
    }

    /// The masks, saved with the optimizer's state in checkpoints.
    var stateTensors: [(name: String, tensor: Tensor)] { targets.map { ($0.stateName, $0.mask) } }

    /// The masks of a checkpoint being resumed; a checkpoint without them (a run that did not
    /// prune) leaves them all ones.
    func restore(_ contents: Checkpoint.Contents) throws {
        for target in targets {
            guard let saved = contents.file[Checkpoint.optimizerPrefix + target.stateName] else { continue }
            guard saved.shape == target.mask.shape.dims else {
                throw FormatError(file: contents.path, message: "pruning mask '\(target.stateName)' has another shape than the layer's weight")
            }
            Checkpoint.copy(saved.values, into: target.mask)
        }
    }

    /// `pruning: sparsity 0.800 (conv2d_0 0.800, dense_5 0.800)`.
    var summary: String {
        let layers = layerSparsity.map { "\($0.layer) \(fixed($0.sparsity, 3))" }.joined(separator: ", ")
        return "pruning: sparsity \(fixed(sparsity, 3)) (\(layers))"
    }
}
