/// A trainable tensor and its gradient, side by side. `backward` adds into `gradient`
/// (gradients accumulate, as in llm.c and Caffe); the trainer zeroes it before each step.
public final class Parameter: @unchecked Sendable {
    /// The name within its layer: "weight", "bias", "running_mean", ...
    public let name: String
    public let value: Tensor
    public let gradient: Tensor
    /// False for state that is saved with the model but not trained (batchnorm's running statistics).
    public let isTrainable: Bool
    /// Set by `train: {freeze: [...]}`: the optimizer leaves a frozen parameter unchanged.
    public var isFrozen = false

    public init(name: String, shape: Shape, isTrainable: Bool = true) {
        self.name = name
        self.value = Tensor(shape: shape)
        self.gradient = Tensor(shape: isTrainable ? shape : [0])
        self.isTrainable = isTrainable
    }

    public var shape: Shape { value.shape }
}
