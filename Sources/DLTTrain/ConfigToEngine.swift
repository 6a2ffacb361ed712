import DLTConfig
import DLTCore
import DLTNN
import DLTOptim

// The config's loss, optimizer and schedule made into engine objects. Each switch is exhaustive,
// so a name added to the config does not compile until it is mapped here.

extension LossSpec.Name {
    /// The loss; cross_entropy and binary_cross_entropy take logits (see `fusedActivation`).
    func makeLoss() -> any Loss {
        switch self {
        case .crossEntropy: return SoftmaxCrossEntropy()
        case .binaryCrossEntropy: return BinaryCrossEntropy()
        case .mse: return MeanSquaredError()
        }
    }

    /// The output activation the loss computes itself, on logits, for stability.
    var fusedActivation: Activation? {
        switch self {
        case .crossEntropy: return .softmax
        case .binaryCrossEntropy: return .sigmoid
        case .mse: return nil
        }
    }
}

extension OptimizerSpec {
    func makeOptimizer(parameters: [NamedParameter]) -> any Optimizer {
        let lr = Float(lr), decay = Float(weightDecay)
        switch algorithm {
        case .sgd(let momentum, let nesterov):
            return SGD(parameters: parameters, learningRate: lr, momentum: Float(momentum), nesterov: nesterov,
                       weightDecay: decay)
        case .adam(let m):
            return Adam(parameters: parameters, learningRate: lr, beta1: Float(m.beta1), beta2: Float(m.beta2),
                        epsilon: Float(m.epsilon), weightDecay: decay)
        case .adamw(let m):
            return AdamW(parameters: parameters, learningRate: lr, beta1: Float(m.beta1), beta2: Float(m.beta2),
                         epsilon: Float(m.epsilon), weightDecay: decay)
        case .rmsprop(let rho, let momentum, let epsilon):
            return RMSProp(parameters: parameters, learningRate: lr, rho: Float(rho), epsilon: Float(epsilon),
                           momentum: Float(momentum), weightDecay: decay)
        case .adagrad(let epsilon):
            return AdaGrad(parameters: parameters, learningRate: lr, epsilon: Float(epsilon), weightDecay: decay)
        }
    }
}

extension ScheduleSpec {
    var kind: ScheduleKind {
        switch decay {
        case .constant: return .constant
        case .step(let stepSize, let gamma): return .step(stepSize: stepSize, gamma: Float(gamma))
        case .multistep(let milestones, let gamma): return .multiStep(milestones: milestones, gamma: Float(gamma))
        case .exponential(let gamma): return .exponential(gamma: Float(gamma))
        case .cosine(let minLR): return .cosine(minLearningRate: Float(minLR))
        }
    }

    /// The schedule over a run of `totalSteps`; an engine refusal is reported at `schedule:`.
    func makeSchedule(learningRate: Double, stepsPerEpoch: Int, totalSteps: Int, file: String) throws -> ScheduledLearningRate {
        do {
            return try ScheduledLearningRate(baseLearningRate: Float(learningRate), kind: kind,
                                             stepsPerEpoch: stepsPerEpoch, totalSteps: totalSteps,
                                             warmupSteps: warmupSteps)
        } catch let error as EngineError {
            throw ConfigError(file: file, location: location, message: error.message)
        }
    }
}
