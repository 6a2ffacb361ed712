import Yams

/// `schedule:` — how the learning rate changes. Epoch-based decays (step, multistep,
/// exponential) count epochs, as PyTorch's schedulers stepped once per epoch; cosine decays per
/// step to `min_lr` at the end of training. `warmup_steps` (any schedule) ramps the rate up
/// linearly over the first optimizer steps.
public struct ScheduleSpec {
    public enum Name: String, CaseIterable, Sendable {
        case constant, step, multistep, exponential, cosine
    }

    public let name: Name
    /// step: epochs between decays.
    public let stepSize: Int?
    /// step / multistep: factor per decay (default 0.1); exponential: factor per epoch
    /// (`gamma` or Keras' `decay_rate`, required).
    public let gamma: Double
    /// multistep: epochs at which the rate is multiplied by gamma, increasing.
    public let milestones: [Int]
    /// cosine: the rate reached at the last step.
    public let minLR: Double
    public let warmupSteps: Int
    public let location: SourceLocation

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
        ScheduleSpec(name: .constant, stepSize: nil, gamma: 1, milestones: [], minLR: 0, warmupSteps: 0, location: location)
    }
}

struct ScheduleParser {
    let reader: ValueReader

    func parse(_ node: Node) throws -> ScheduleSpec {
        let kinds = ScheduleSpec.Name.allCases.map(\.rawValue)
        let location = YAMLDocument.location(of: node) ?? SourceLocation(line: 1, column: 1)
        if case .scalar = node {
            let name = ScheduleSpec.Name(rawValue: try reader.choice(node, "schedule", kinds, kind: "schedule"))!
            guard name == .constant || name == .cosine else {
                let needed = name == .step ? "step_size" : name == .multistep ? "milestones" : "gamma"
                throw reader.error(node, "schedule '\(name.rawValue)' needs options; write it as {name: \(name.rawValue), \(needed): ...}")
            }
            return ScheduleSpec(name: name, stepSize: nil, gamma: 1, milestones: [], minLR: 0, warmupSteps: 0, location: location)
        }
        let options = try MappingReader(node, section: "schedule", reader: reader)
        let nameNode = try options.required("name", "one of \(NameSuggestion.list(kinds))")
        let name = ScheduleSpec.Name(rawValue: try reader.choice(nameNode, "schedule: name", kinds, kind: "schedule"))!
        try options.checkKeys(allowed: ["name"] + ScheduleSpec.keys(for: name))
        let positive: (Double) -> Bool = { $0 > 0 }
        var gamma = try options.double("gamma", "> 0", positive) ?? 0.1
        var stepSize: Int?
        var milestones: [Int] = []
        switch name {
        case .step:
            stepSize = try reader.int(try options.required("step_size", "epochs between decays"), options.what("step_size"), atLeast: 1)
        case .multistep:
            let listNode = try options.required("milestones", "increasing epochs, e.g. [30, 60]")
            let items = try reader.sequence(listNode, options.what("milestones"))
            guard !items.isEmpty else { throw reader.error(listNode, "schedule: milestones is empty; list the epochs at which to decay") }
            milestones = try items.map { try reader.int($0, "schedule: milestones entries", atLeast: 1) }
            if let bad = milestones.indices.dropFirst().first(where: { milestones[$0] <= milestones[$0 - 1] }) {
                throw reader.error(items[bad], "schedule: milestones must be strictly increasing, got \(milestones)")
            }
        case .exponential:
            let decayRate = try options.double("decay_rate", "> 0", positive)
            if decayRate != nil, options.node("gamma") != nil {
                throw reader.error(options.node("decay_rate"), "schedule: give gamma or decay_rate (the same factor), not both")
            }
            guard let factor = decayRate ?? (options.node("gamma") != nil ? gamma : nil) else {
                throw ConfigError(file: reader.file, location: options.location,
                                  message: "schedule 'exponential' is missing the required key 'gamma' (factor per epoch, e.g. 0.95)")
            }
            gamma = factor
        case .constant, .cosine:
            gamma = 1
        }
        return ScheduleSpec(name: name, stepSize: stepSize, gamma: gamma, milestones: milestones,
                            minLR: try options.double("min_lr", "≥ 0", { $0 >= 0 }) ?? 0,
                            warmupSteps: try options.int("warmup_steps", atLeast: 0) ?? 0,
                            location: options.location ?? location)
    }
}
