@testable import DLTConfig
import DLTTrain
import Testing

/// The product contract's example config, verbatim (README.md's tour config, with the comments
/// and the schedule line; docs/config.md documents every key).
let specExampleYAML = """
name: mnist_cnn                 # names the run directory
seed: 42
data:
  format: idx                   # idx | cifar10 | csv | npy
  train: {images: /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz,
          labels: /usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz}
  test:  {images: /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz,
          labels: /usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz}
  validation_split: 0.1         # or validation: {images: ..., labels: ...}
  normalize: {scale: 255}       # or {mean: [...], std: [...]}
  classes: [T-shirt, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Boot]
model:
  input: [1, 28, 28]            # C,H,W for images; [features] for vectors; [length] for token ids
  layers:
    - conv2d: {filters: 32, kernel: 3, activation: relu}
    - maxpool2d: {size: 2}
    - conv2d: {filters: 64, kernel: 3, activation: relu}
    - maxpool2d: {size: 2}
    - flatten: {}
    - dense: {units: 64, activation: relu}
    - dense: {units: 10, activation: softmax}
loss: cross_entropy             # cross_entropy | binary_cross_entropy | mse
optimizer: {name: adam, lr: 0.001, weight_decay: 0.0}
schedule: {name: constant}      # constant | step | multistep | exponential | cosine, + warmup_steps
train: {epochs: 5, batch_size: 32}
metrics: [accuracy]             # accuracy | precision | recall | f1 | auc

"""

/// A config whose only layer list is `layers` (already indented by 4 spaces per item), so that
/// tests can put one bad layer at a known line: the first layer line is line 4.
func configWithLayers(_ layers: String) -> String {
    "model:\n  input: [1, 28, 28]\n  layers:\n" + layers + "\n"
}

/// Parses `yaml` expecting a ConfigError; returns it (or records a failure and returns nil).
func configError(_ yaml: String, file: String = "bad.yaml") -> ConfigError? {
    do {
        _ = try ModelConfig.parse(text: yaml, file: file)
        Issue.record("expected a ConfigError for:\n\(yaml)")
        return nil
    } catch let error as ConfigError {
        return error
    } catch {
        Issue.record("expected a ConfigError, got \(error)")
        return nil
    }
}
