import DLTConfig
import DLTCore
import DLTNN

/// `train.distill`: the teacher model, run in eval mode on each training batch, and the weights
/// of the hard and soft terms. The teacher's weights are never stepped nor saved.
final class Distillation {
    let teacher: TrainedModel
    let temperature: Float
    let alpha: Float
    private let context: LayerContext

    private init(teacher: TrainedModel, temperature: Float, alpha: Float) {
        self.teacher = teacher; self.temperature = temperature; self.alpha = alpha
        context = LayerContext(split: teacher.setup.split, training: false)
    }

    /// The distillation of the config, checked against the student: nil without `train.distill`
    /// and for alpha = 1 (the hard loss alone: the plain run, bit for bit).
    static func make(config: ModelConfig, student: ModelSetup, threads: Int?) throws -> Distillation? {
        guard let spec = config.train.distill else { return nil }
        let teacher = try TrainedModel(checkpoint: spec.teacher, threads: threads)
        func refuse(_ message: String) -> ConfigError {
            ConfigError(file: config.file, location: config.location(ofKeyPath: "train.distill.teacher") ?? spec.location,
                        message: "train.distill: teacher \(spec.teacher): \(message)")
        }
        if teacher.graph.inputShape != student.graph.inputShape {
            throw refuse("its input \(teacher.graph.inputShape) differs from the model's \(student.graph.inputShape)")
        }
        if teacher.graph.outputShape != student.graph.outputShape {
            throw refuse("its output \(teacher.graph.outputShape) differs from the model's \(student.graph.outputShape)")
        }
        guard student.graph.outputActivation == .softmax, teacher.graph.outputActivation == .softmax else {
            throw refuse("distillation compares class distributions: both models need loss cross_entropy and a softmax output")
        }
        return spec.alpha == 1 ? nil : Distillation(teacher: teacher, temperature: Float(spec.temperature), alpha: Float(spec.alpha))
    }

    /// alpha · hard + (1 − alpha) · soft, and the same mix of gradients in `gradient` (which holds
    /// the hard loss's on entry). `studentLogits` (N, K) came from `input`; both terms are means
    /// over `samples` samples (N, or a global batch that `input` is a rank's part of).
    func combine(hardLoss: Float, studentLogits: Tensor, input: Tensor, gradient: Tensor, meanOver samples: Int) -> Float {
        let teacherLogits = teacher.graph.forward(input, context: context)
        let g = gradient.pointer
        for i in 0..<gradient.count { g[i] *= alpha }
        let rows = input.shape[0]
        let soft = DistillationLoss.apply(student: studentLogits.pointer, teacher: teacherLogits.pointer, rows: rows,
                                          classes: studentLogits.count / rows, meanOver: samples,
                                          temperature: temperature, weight: 1 - alpha, gradient: g)
        return alpha * hardLoss + (1 - alpha) * soft
    }
}
