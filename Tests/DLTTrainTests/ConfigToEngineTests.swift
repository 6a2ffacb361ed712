import DLTConfig
import DLTCore
import DLTNN
import DLTOptim
@testable import DLTTrain
import Testing

/// Every config case reaches its own engine object with its settings: no name falls through to
/// another optimizer, loss or schedule.
@Suite struct ConfigToEngineTests {
    private func config(_ sections: String) throws -> ModelConfig {
        try ModelConfig.parse(text: "model:\n  input: [3]\n  layers:\n    - dense: {units: 2}\n" + sections + "\n", file: "t.yaml")
    }

    private let parameters = [NamedParameter(name: "w", parameter: Parameter(name: "weight", shape: [2]))]

    @Test func everyOptimizerBecomesItsOwnClass() throws {
        let sgd = try config("optimizer: {name: sgd, lr: 0.5, momentum: 0.9, nesterov: true}").optimizer
            .makeOptimizer(parameters: parameters)
        let sgdOptimizer = try #require(sgd as? SGD)
        #expect(sgdOptimizer.learningRate == 0.5 && sgdOptimizer.momentum == 0.9 && sgdOptimizer.nesterov)

        let adam = try #require(try config("optimizer: {name: adam, beta1: 0.8}").optimizer.makeOptimizer(parameters: parameters) as? Adam)
        #expect(!(adam is AdamW) && adam.beta1 == 0.8 && !adam.decouplesWeightDecay)

        let adamw = try #require(try config("optimizer: adamw").optimizer.makeOptimizer(parameters: parameters) as? AdamW)
        #expect(adamw.decouplesWeightDecay && adamw.weightDecay == 0.01)

        let rmsprop = try #require(try config("optimizer: {name: rmsprop, rho: 0.8, momentum: 0.3}").optimizer
            .makeOptimizer(parameters: parameters) as? RMSProp)
        #expect(rmsprop.rho == 0.8 && rmsprop.momentum == 0.3)

        let adagrad = try #require(try config("optimizer: {name: adagrad, epsilon: 1e-5}").optimizer
            .makeOptimizer(parameters: parameters) as? AdaGrad)
        #expect(adagrad.epsilon == 1e-5 && adagrad.learningRate == 0.01)
    }

    @Test func everyLossIsTheOneItsConfigNames() {
        for name in LossSpec.Name.allCases {
            #expect(name.makeLoss().name == name.rawValue)
        }
        #expect(LossSpec.Name.crossEntropy.fusedActivation == .softmax)
        #expect(LossSpec.Name.binaryCrossEntropy.fusedActivation == .sigmoid)
        #expect(LossSpec.Name.mse.fusedActivation == nil)
    }

    @Test func everyScheduleBecomesItsKind() throws {
        let cases: [(String, ScheduleKind)] = [
            ("constant", .constant),
            ("{name: step, step_size: 2, gamma: 0.5}", .step(stepSize: 2, gamma: 0.5)),
            ("{name: multistep, milestones: [1, 3], gamma: 0.25}", .multiStep(milestones: [1, 3], gamma: 0.25)),
            ("{name: exponential, gamma: 0.9}", .exponential(gamma: 0.9)),
            ("{name: cosine, min_lr: 0.125}", .cosine(minLearningRate: 0.125)),
        ]
        for (text, kind) in cases {
            let spec = try config("schedule: " + text).schedule
            #expect(spec.kind == kind, "\(text)")
            let schedule = try spec.makeSchedule(learningRate: 0.1, stepsPerEpoch: 10, totalSteps: 100, file: "t.yaml")
            #expect(schedule.kind == kind && schedule.baseLearningRate == 0.1)
        }
    }
}
