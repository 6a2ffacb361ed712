import DLTConfig
import DLTCore
import DLTOptim

/// The config's `optimizer:` and `schedule:` sections made into objects.
enum OptimizerFactory {
    static func make(_ spec: OptimizerSpec, parameters: [NamedParameter]) throws -> Optimizer {
        let lr = Float(spec.lr), decay = Float(spec.weightDecay)
        switch spec.name.rawValue {
        case "sgd":
            return SGD(parameters: parameters, learningRate: lr, momentum: Float(spec.momentum),
                       nesterov: spec.nesterov, weightDecay: decay)
        case "adam":
            return Adam(parameters: parameters, learningRate: lr, beta1: Float(spec.beta1), beta2: Float(spec.beta2),
                        epsilon: Float(spec.epsilon), weightDecay: decay)
        case "adamw":
            return AdamW(parameters: parameters, learningRate: lr, beta1: Float(spec.beta1), beta2: Float(spec.beta2),
                         epsilon: Float(spec.epsilon), weightDecay: decay)
        case "rmsprop":
            return RMSProp(parameters: parameters, learningRate: lr, rho: Float(spec.rho), epsilon: Float(spec.epsilon),
                           momentum: Float(spec.momentum), weightDecay: decay)
        default:
            return AdaGrad(parameters: parameters, learningRate: lr, epsilon: Float(spec.epsilon), weightDecay: decay)
        }
    }

    static func schedule(_ spec: ScheduleSpec, learningRate: Double, stepsPerEpoch: Int, totalSteps: Int,
                         file: String) throws -> LearningRateSchedule {
        let kind: ScheduleKind
        switch spec.name.rawValue {
        case "step": kind = .step(stepSize: spec.stepSize ?? 1, gamma: Float(spec.gamma))
        case "multistep": kind = .multiStep(milestones: spec.milestones, gamma: Float(spec.gamma))
        case "exponential": kind = .exponential(gamma: Float(spec.gamma))
        case "cosine": kind = .cosine(minLearningRate: Float(spec.minLR))
        default: kind = .constant
        }
        do {
            return try ScheduledLearningRate(baseLearningRate: Float(learningRate), kind: kind,
                                             stepsPerEpoch: stepsPerEpoch, totalSteps: totalSteps,
                                             warmupSteps: spec.warmupSteps)
        } catch let error as EngineError {
            throw ConfigError(file: file, location: spec.location, message: error.message)
        }
    }
}
