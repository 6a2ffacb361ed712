@testable import DLTConfig
import Testing

/// Each optimizer and schedule parses into its own case, holding only the settings it takes.
@Suite struct OptimizerScheduleSpecTests {
    let layers = "    - dense: {units: 2, name: head}"

    private func parse(_ sections: String) throws -> ModelConfig {
        try ModelConfig.parse(text: configWithLayers(layers) + sections + "\n", file: "o.yaml")
    }

    @Test func everyOptimizerKeepsItsOwnHyperparameters() throws {
        let cases: [(String, OptimizerSpec.Algorithm)] = [
            ("{name: sgd, momentum: 0.5}", .sgd(momentum: 0.5, nesterov: false)),
            ("{name: adam, beta1: 0.8}", .adam(.init(beta1: 0.8, beta2: 0.999, epsilon: 1e-7))),
            ("{name: adamw, beta2: 0.99, epsilon: 1e-8}", .adamw(.init(beta1: 0.9, beta2: 0.99, epsilon: 1e-8))),
            ("{name: rmsprop, rho: 0.95, momentum: 0.1}", .rmsprop(rho: 0.95, momentum: 0.1, epsilon: 1e-7)),
            ("{name: adagrad, epsilon: 1e-6}", .adagrad(epsilon: 1e-6)),
        ]
        for (text, algorithm) in cases {
            let spec = try parse("optimizer: " + text).optimizer
            #expect(spec.algorithm == algorithm, "\(text)")
            #expect(spec.name == algorithm.name)
        }
        #expect(try parse("optimizer: rmsprop").optimizer.algorithm == .rmsprop(rho: 0.9, momentum: 0, epsilon: 1e-7))
    }

    @Test func everyScheduleKeepsItsOwnSettings() throws {
        let cases: [(String, ScheduleSpec.Decay)] = [
            ("constant", .constant),
            ("cosine", .cosine(minLR: 0)),
            ("{name: cosine, min_lr: 0.001}", .cosine(minLR: 0.001)),
            ("{name: step, step_size: 3, gamma: 0.5}", .step(stepSize: 3, gamma: 0.5)),
            ("{name: multistep, milestones: [2, 4]}", .multistep(milestones: [2, 4], gamma: 0.1)),
            ("{name: exponential, gamma: 0.9}", .exponential(gamma: 0.9)),
        ]
        for (text, decay) in cases {
            #expect(try parse("schedule: " + text).schedule.decay == decay, "\(text)")
        }
    }

    @Test func namesAreTheConfigSpellings() {
        #expect(OptimizerSpec.Name.names == ["sgd", "adam", "adamw", "rmsprop", "adagrad"])
        #expect(ScheduleSpec.Name.names == ["constant", "step", "multistep", "exponential", "cosine"])
        #expect(LossSpec.Name.names == ["cross_entropy", "binary_cross_entropy", "mse"])
        #expect(TrainSpec.OnNaN.names == ["stop", "skip"])
    }

    @Test func anUnknownNameIsAnErrorWithASuggestion() {
        #expect(throws: ConfigError.self) { try parse("optimizer: {name: adamm}") }
        #expect(throws: ConfigError.self) { try parse("loss: hinge") }
        #expect(throws: ConfigError.self) { try parse("train: {on_nan: ignore}") }
    }
}
