import Yams

/// `schedule:` — how the learning rate changes. Epoch-based decays (step, multistep,
/// exponential) count epochs, as PyTorch's schedulers stepped once per epoch; cosine decays per
/// step to `min_lr` at the end of training. `warmup_steps` (any schedule) ramps the rate up
/// linearly over the first optimizer steps.
public struct ScheduleSpec {
    public enum Name: String, ConfigName {
        case constant, step, multistep, exponential, cosine
    }

    /// How the rate decays after warmup, with the settings only that decay takes.
    public enum Decay: Equatable, Sendable {
        case constant
        /// × gamma every `stepSize` epochs.
        case step(stepSize: Int, gamma: Double)
        /// × gamma at each milestone epoch (strictly increasing).
        case multistep(milestones: [Int], gamma: Double)
        /// × gamma per epoch (`gamma` or Keras' `decay_rate`).
        case exponential(gamma: Double)
        /// Per step down to `minLR` at the last step.
        case cosine(minLR: Double)

        public var name: Name {
            switch self {
            case .constant: return .constant
            case .step: return .step
            case .multistep: return .multistep
            case .exponential: return .exponential
            case .cosine: return .cosine
            }
        }
    }

    public let decay: Decay
    public let warmupSteps: Int
    public let location: SourceLocation

    public var name: Name { decay.name }

    static func keys(for name: Name) -> [String] {
        switch name {
        case .constant: return ["warmup_steps"]
        case .step: return ["step_size", "gamma", "warmup_steps"]
        case .multistep: return ["milestones", "gamma", "warmup_steps"]
        case .exponential: return ["gamma", "decay_rate", "warmup_steps"]
        case .cosine: return ["min_lr", "warmup_steps"]
        }
    }

    static func constant(at location: SourceLocation) -> ScheduleSpec {
        ScheduleSpec(decay: .constant, warmupSteps: 0, location: location)
    }
}

struct ScheduleParser {
    let reader: ValueReader

    func parse(_ node: Node) throws -> ScheduleSpec {
        let location = YAMLDocument.location(of: node) ?? SourceLocation(line: 1, column: 1)
        if case .scalar = node {
            let name: ScheduleSpec.Name = try reader.choice(node, "schedule", kind: "schedule")
            switch name {
            case .constant: return ScheduleSpec(decay: .constant, warmupSteps: 0, location: location)
            case .cosine: return ScheduleSpec(decay: .cosine(minLR: 0), warmupSteps: 0, location: location)
            case .step, .multistep, .exponential:
                let needed = name == .step ? "step_size" : name == .multistep ? "milestones" : "gamma"
                throw reader.error(node, "schedule '\(name.rawValue)' needs options; write it as {name: \(name.rawValue), \(needed): ...}")
            }
        }
        let options = try MappingReader(node, section: "schedule", reader: reader)
        let nameNode = try options.required("name", "one of \(NameSuggestion.list(ScheduleSpec.Name.names))")
        let name: ScheduleSpec.Name = try reader.choice(nameNode, "schedule: name", kind: "schedule")
        try options.checkKeys(allowed: ["name"] + ScheduleSpec.keys(for: name))
        return ScheduleSpec(decay: try decay(name, options),
                            warmupSteps: try options.int("warmup_steps", atLeast: 0) ?? 0,
                            location: options.location ?? location)
    }

    /// The decay `name` with its keys; `checkKeys` has already refused the others.
    private func decay(_ name: ScheduleSpec.Name, _ options: MappingReader) throws -> ScheduleSpec.Decay {
        let positive: (Double) -> Bool = { $0 > 0 }
        let gamma = try options.double("gamma", "> 0", positive)
        switch name {
        case .constant:
            return .constant
        case .step:
            let stepSize = try reader.int(try options.required("step_size", "epochs between decays"), options.what("step_size"), atLeast: 1)
            return .step(stepSize: stepSize, gamma: gamma ?? 0.1)
        case .multistep:
            return .multistep(milestones: try milestones(options), gamma: gamma ?? 0.1)
        case .exponential:
            let decayRate = try options.double("decay_rate", "> 0", positive)
            if decayRate != nil, gamma != nil {
                throw reader.error(options.node("decay_rate"), "schedule: give gamma or decay_rate (the same factor), not both")
            }
            guard let factor = decayRate ?? gamma else {
                throw ConfigError(file: reader.file, location: options.location,
                                  message: "schedule 'exponential' is missing the required key 'gamma' (factor per epoch, e.g. 0.95)")
            }
            return .exponential(gamma: factor)
        case .cosine:
            return .cosine(minLR: try options.double("min_lr", "≥ 0", { $0 >= 0 }) ?? 0)
        }
    }

    private func milestones(_ options: MappingReader) throws -> [Int] {
        let listNode = try options.required("milestones", "increasing epochs, e.g. [30, 60]")
        let items = try reader.sequence(listNode, options.what("milestones"))
        guard !items.isEmpty else { throw reader.error(listNode, "schedule: milestones is empty; list the epochs at which to decay") }
        let milestones = try items.map { try reader.int($0, "schedule: milestones entries", atLeast: 1) }
        if let bad = milestones.indices.dropFirst().first(where: { milestones[$0] <= milestones[$0 - 1] }) {
            throw reader.error(items[bad], "schedule: milestones must be strictly increasing, got \(milestones)")
        }
        return milestones
    }
}
