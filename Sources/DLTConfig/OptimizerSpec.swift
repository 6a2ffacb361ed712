import Yams

/// `optimizer:` — a name (`optimizer: adam`) or a mapping with its hyperparameters.
/// Defaults follow DLTOptim / PyTorch-and-Keras: lr 0.01 for sgd and adagrad, 0.001 otherwise;
/// epsilon 1e-7 (Keras); adamw weight_decay 0.01 (PyTorch), 0 for the others.
public struct OptimizerSpec {
    public enum Name: String, ConfigName {
        case sgd, adam, adamw, rmsprop, adagrad
    }

    /// Adam's and AdamW's moment decays and denominator term.
    public struct Moments: Equatable, Sendable {
        public let beta1: Double
        public let beta2: Double
        public let epsilon: Double
        public init(beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-7) {
            self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon
        }
    }

    /// The algorithm with the hyperparameters that only it takes.
    public enum Algorithm: Equatable, Sendable {
        /// nesterov needs momentum > 0.
        case sgd(momentum: Double, nesterov: Bool)
        case adam(Moments)
        /// Decoupled weight decay.
        case adamw(Moments)
        /// rho: decay of the squared-gradient average.
        case rmsprop(rho: Double, momentum: Double, epsilon: Double)
        case adagrad(epsilon: Double)

        public var name: Name {
            switch self {
            case .sgd: return .sgd
            case .adam: return .adam
            case .adamw: return .adamw
            case .rmsprop: return .rmsprop
            case .adagrad: return .adagrad
            }
        }
    }

    public let algorithm: Algorithm
    public let lr: Double
    /// L2 penalty added to the gradient (decoupled for adamw).
    public let weightDecay: Double
    /// Global-norm gradient clipping (all gradients scaled so that their joint L2 norm ≤ clip_norm).
    public let clipNorm: Double?
    public let location: SourceLocation

    public var name: Name { algorithm.name }

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

    /// An optimizer with its defaults, for configs without `optimizer:` (adam) or with a name only.
    static func defaults(for name: Name = .adam, at location: SourceLocation) -> OptimizerSpec {
        let epsilon = Moments().epsilon
        let algorithm: Algorithm
        switch name {
        case .sgd: algorithm = .sgd(momentum: 0, nesterov: false)
        case .adam: algorithm = .adam(Moments())
        case .adamw: algorithm = .adamw(Moments())
        case .rmsprop: algorithm = .rmsprop(rho: 0.9, momentum: 0, epsilon: epsilon)
        case .adagrad: algorithm = .adagrad(epsilon: epsilon)
        }
        return OptimizerSpec(algorithm: algorithm, lr: defaultLearningRate(for: name),
                             weightDecay: name == .adamw ? 0.01 : 0, clipNorm: nil, location: location)
    }
}

struct OptimizerParser {
    let reader: ValueReader

    func parse(_ node: Node) throws -> OptimizerSpec {
        if case .scalar = node {
            let name: OptimizerSpec.Name = try reader.choice(node, "optimizer", kind: "optimizer")
            return .defaults(for: name, at: YAMLDocument.location(of: node)!)
        }
        let options = try MappingReader(node, section: "optimizer", reader: reader)
        let nameNode = try options.required("name", "one of \(NameSuggestion.list(OptimizerSpec.Name.names))")
        let name: OptimizerSpec.Name = try reader.choice(nameNode, "optimizer: name", kind: "optimizer")
        try checkKeys(options, for: name)
        let base = OptimizerSpec.defaults(for: name, at: options.location!)
        return OptimizerSpec(
            algorithm: try algorithm(name, options),
            lr: try options.double("lr", "> 0", { $0 > 0 }) ?? base.lr,
            weightDecay: try options.double("weight_decay", "≥ 0", { $0 >= 0 }) ?? base.weightDecay,
            clipNorm: try options.double("clip_norm", "> 0", { $0 > 0 }),
            location: base.location)
    }

    /// The hyperparameters `name` takes; `checkKeys` has already refused the others.
    private func algorithm(_ name: OptimizerSpec.Name, _ options: MappingReader) throws -> OptimizerSpec.Algorithm {
        let unit = "in [0, 1)"
        let inUnit: (Double) -> Bool = { $0 >= 0 && $0 < 1 }
        let defaults = OptimizerSpec.Moments()
        let epsilon = try options.double("epsilon", "> 0", { $0 > 0 }) ?? defaults.epsilon
        let momentum = try options.double("momentum", unit, inUnit) ?? 0
        switch name {
        case .sgd:
            let nesterov = try options.bool("nesterov") ?? false
            if nesterov, momentum == 0 {
                throw reader.error(options.node("nesterov"), "optimizer: nesterov needs momentum > 0 (as in PyTorch's SGD); set momentum, e.g. 0.9")
            }
            return .sgd(momentum: momentum, nesterov: nesterov)
        case .adam, .adamw:
            let moments = OptimizerSpec.Moments(beta1: try options.double("beta1", unit, inUnit) ?? defaults.beta1,
                                                beta2: try options.double("beta2", unit, inUnit) ?? defaults.beta2,
                                                epsilon: epsilon)
            return name == .adam ? .adam(moments) : .adamw(moments)
        case .rmsprop:
            return .rmsprop(rho: try options.double("rho", unit, inUnit) ?? 0.9, momentum: momentum, epsilon: epsilon)
        case .adagrad:
            return .adagrad(epsilon: epsilon)
        }
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
