import Yams

/// `optimizer:` — a name (`optimizer: adam`) or a mapping with its hyperparameters.
/// Defaults follow DLTOptim / PyTorch-and-Keras: lr 0.01 for sgd and adagrad, 0.001 otherwise;
/// epsilon 1e-7 (Keras); adamw weight_decay 0.01 (PyTorch), 0 for the others.
public struct OptimizerSpec {
    public enum Name: String, CaseIterable, Sendable {
        case sgd, adam, adamw, rmsprop, adagrad
    }

    public let name: Name
    public let lr: Double
    /// L2 penalty added to the gradient (decoupled for adamw).
    public let weightDecay: Double
    /// sgd and rmsprop.
    public let momentum: Double
    /// sgd; needs momentum > 0.
    public let nesterov: Bool
    public let beta1: Double
    public let beta2: Double
    public let epsilon: Double
    /// rmsprop's decay of the squared-gradient average.
    public let rho: Double
    /// Global-norm gradient clipping (all gradients scaled so that their joint L2 norm ≤ clip_norm).
    public let clipNorm: Double?
    public let location: SourceLocation

    /// Keys each optimizer takes, besides `name`.
    static func keys(for name: Name) -> [String] {
        let common = ["lr", "weight_decay", "clip_norm"]
        switch name {
        case .sgd: return common + ["momentum", "nesterov"]
        case .adam, .adamw: return common + ["beta1", "beta2", "epsilon"]
        case .rmsprop: return common + ["rho", "momentum", "epsilon"]
        case .adagrad: return common + ["epsilon"]
        }
    }

    static func defaultLearningRate(for name: Name) -> Double {
        switch name {
        case .sgd, .adagrad: return 0.01
        case .adam, .adamw, .rmsprop: return 0.001
        }
    }

    /// Adam with its defaults, for configs without `optimizer:`.
    static func defaults(for name: Name = .adam, at location: SourceLocation) -> OptimizerSpec {
        OptimizerSpec(name: name, lr: defaultLearningRate(for: name), weightDecay: name == .adamw ? 0.01 : 0,
                      momentum: 0, nesterov: false, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, rho: 0.9,
                      clipNorm: nil, location: location)
    }
}

struct OptimizerParser {
    let reader: ValueReader

    func parse(_ node: Node) throws -> OptimizerSpec {
        let kinds = OptimizerSpec.Name.allCases.map(\.rawValue)
        if case .scalar = node {
            let name = try reader.choice(node, "optimizer", kinds, kind: "optimizer")
            return .defaults(for: OptimizerSpec.Name(rawValue: name)!, at: YAMLDocument.location(of: node)!)
        }
        let options = try MappingReader(node, section: "optimizer", reader: reader)
        let nameNode = try options.required("name", "one of \(NameSuggestion.list(kinds))")
        let name = OptimizerSpec.Name(rawValue: try reader.choice(nameNode, "optimizer: name", kinds, kind: "optimizer"))!
        try checkKeys(options, for: name)
        let base = OptimizerSpec.defaults(for: name, at: options.location!)
        let unit = "in [0, 1)"
        let inUnit: (Double) -> Bool = { $0 >= 0 && $0 < 1 }
        let momentum = try options.double("momentum", unit, inUnit) ?? base.momentum
        let nesterov = try options.bool("nesterov") ?? false
        if nesterov, momentum == 0 {
            throw reader.error(options.node("nesterov"), "optimizer: nesterov needs momentum > 0 (as in PyTorch's SGD); set momentum, e.g. 0.9")
        }
        return OptimizerSpec(
            name: name,
            lr: try options.double("lr", "> 0", { $0 > 0 }) ?? base.lr,
            weightDecay: try options.double("weight_decay", "≥ 0", { $0 >= 0 }) ?? base.weightDecay,
            momentum: momentum, nesterov: nesterov,
            beta1: try options.double("beta1", unit, inUnit) ?? base.beta1,
            beta2: try options.double("beta2", unit, inUnit) ?? base.beta2,
            epsilon: try options.double("epsilon", "> 0", { $0 > 0 }) ?? base.epsilon,
            rho: try options.double("rho", unit, inUnit) ?? base.rho,
            clipNorm: try options.double("clip_norm", "> 0", { $0 > 0 }),
            location: base.location)
    }

    /// A key that belongs to another optimizer says so ("momentum does not apply to adam").
    private func checkKeys(_ options: MappingReader, for name: OptimizerSpec.Name) throws {
        let allowed = ["name"] + OptimizerSpec.keys(for: name)
        let everyKey = Set(OptimizerSpec.Name.allCases.flatMap(OptimizerSpec.keys(for:)))
        for entry in options.entries where !allowed.contains(entry.key) && everyKey.contains(entry.key) {
            throw reader.error(entry.keyNode, "optimizer: '\(entry.key)' does not apply to \(name.rawValue); "
                               + "\(name.rawValue) takes \(NameSuggestion.list(allowed))")
        }
        try options.checkKeys(allowed: allowed)
    }
}
