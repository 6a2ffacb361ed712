@testable import DLTConfig
import DLTTrain
import Testing

/// One bad config, where its error must point, and words the message must contain.
struct BadConfig: CustomTestStringConvertible, Sendable {
    let label: String
    let yaml: String
    let line: Int
    /// The text the error must point at (its first occurrence on `line`); "" for no place.
    let at: String
    let message: String
    var testDescription: String { label }
}

let validLayers = "    - dense: {units: 10}"

let badConfigs: [BadConfig] = [
    // YAML itself
    BadConfig(label: "YAML syntax", yaml: "model:\n  input: [1, 28\n  layers: []\n", line: 3, at: ": []",
              message: "YAML syntax error"),
    BadConfig(label: "tab indentation", yaml: "model:\n\tinput: [1]\n", line: 2, at: "\tinput", message: "YAML indents with spaces, not tabs"),
    BadConfig(label: "duplicate top-level key", yaml: configWithLayers(validLayers) + "seed: 1\nseed: 2\n", line: 6, at: "seed: 2",
              message: "duplicate key 'seed' in the same mapping; each key may be given once (first given at line 5, column 1)"),
    BadConfig(label: "duplicate key in a layer", yaml: configWithLayers("    - dense: {units: 10, units: 20}"), line: 4, at: "units: 20",
              message: "duplicate key 'units'"),
    BadConfig(label: "binary data", yaml: "model:\n  input: [1\0]\n", line: 2, at: "\0]", message: "binary data"),
    BadConfig(label: "top level is a list", yaml: "- model\n- data\n", line: 1, at: "- model", message: "must be a mapping"),
    BadConfig(label: "two documents", yaml: configWithLayers(validLayers) + "---\nseed: 1\n", line: 5, at: "---",
              message: "single YAML document"),
    // Unknown keys and names
    BadConfig(label: "unknown top-level key", yaml: configWithLayers(validLayers) + "optimiser: adam\n", line: 5, at: "optimiser",
              message: "unknown top-level key 'optimiser' — did you mean 'optimizer'?"),
    BadConfig(label: "unknown layer type", yaml: configWithLayers("    - conv2: {filters: 8, kernel: 3}"), line: 4, at: "conv2:",
              message: "unknown layer 'conv2' — did you mean 'conv2d'?"),
    BadConfig(label: "unknown layer key", yaml: configWithLayers("    - conv2d: {filter: 8, kernel: 3}"), line: 4, at: "filter:",
              message: "layer 'conv2d_0' (conv2d): unknown key 'filter' — did you mean 'filters'?"),
    BadConfig(label: "unknown activation", yaml: configWithLayers("    - dense: {units: 10, activation: rleu}"), line: 4, at: "rleu",
              message: "unknown activation 'rleu' — did you mean 'relu'?"),
    BadConfig(label: "unknown init", yaml: configWithLayers("    - dense: {units: 10, init: he_normall}"), line: 4, at: "he_normall",
              message: "unknown init 'he_normall' — did you mean 'he_normal'?"),
    BadConfig(label: "unknown init in a mapping", yaml: configWithLayers("    - dense: {units: 10, init: {name: gaussian, std: 0.1}}"),
              line: 4, at: "gaussian", message: "unknown init 'gaussian'; allowed:"),
    BadConfig(label: "unknown optimizer key", yaml: configWithLayers(validLayers) + "optimizer: {name: adam, lr: 0.01, beta_1: 0.8}\n",
              line: 5, at: "beta_1", message: "unknown key 'beta_1' — did you mean 'beta1'?"),
    BadConfig(label: "key of another optimizer", yaml: configWithLayers(validLayers) + "optimizer: {name: adam, momentum: 0.9}\n",
              line: 5, at: "momentum", message: "'momentum' does not apply to adam"),
    BadConfig(label: "unknown train key", yaml: configWithLayers(validLayers) + "train:\n  epochs: 3\n  batchsize: 64\n",
              line: 7, at: "batchsize", message: "train: unknown key 'batchsize' — did you mean 'batch_size'?"),
    BadConfig(label: "unknown loss", yaml: configWithLayers(validLayers) + "loss: crossentropy\n", line: 5, at: "crossentropy",
              message: "unknown loss 'crossentropy' — did you mean 'cross_entropy'?"),
    BadConfig(label: "unknown metric", yaml: configWithLayers(validLayers) + "metrics: [accuracy, f2]\n", line: 5, at: "f2",
              message: "unknown metric 'f2' — did you mean 'f1'?"),
    BadConfig(label: "unknown schedule", yaml: configWithLayers(validLayers) + "schedule: {name: cosin}\n", line: 5, at: "cosin",
              message: "unknown schedule 'cosin' — did you mean 'cosine'?"),
    BadConfig(label: "unknown data key for the format",
              yaml: "data:\n  format: csv\n  train: {path: a.csv, label_colum: 3}\n" + configWithLayers(validLayers),
              line: 3, at: "label_colum", message: "data.train: unknown key 'label_colum' — did you mean 'label_column'?"),
    // Types and ranges
    BadConfig(label: "text where a number is needed", yaml: configWithLayers("    - conv2d: {filters: abc, kernel: 3}"), line: 4, at: "abc",
              message: "layer 'conv2d_0': filters must be a positive whole number, got 'abc'"),
    BadConfig(label: "fraction where a whole number is needed", yaml: configWithLayers("    - dense: {units: 3.5}"), line: 4, at: "3.5",
              message: "units must be a positive whole number, got 3.5"),
    BadConfig(label: "list where a number is needed", yaml: configWithLayers("    - dense: {units: [10]}"), line: 4, at: "[10]",
              message: "units must be a positive whole number, got a list"),
    BadConfig(label: "zero units", yaml: configWithLayers("    - dense: {units: 0}"), line: 4, at: "0}",
              message: "units must be a positive whole number, got 0"),
    BadConfig(label: "negative kernel", yaml: configWithLayers("    - conv2d: {filters: 4, kernel: [3, -1]}"), line: 4, at: "-1",
              message: "kernel must be a positive whole number, got -1"),
    BadConfig(label: "kernel of three numbers", yaml: configWithLayers("    - conv2d: {filters: 4, kernel: [3, 3, 3]}"), line: 4, at: "[3, 3, 3]",
              message: "a list of two [height, width], got a list of 3"),
    BadConfig(label: "dropout rate 1", yaml: configWithLayers("    - dropout: {rate: 1.0}"), line: 4, at: "1.0",
              message: "rate must be in [0, 1), got 1.0"),
    BadConfig(label: "zero batch size", yaml: configWithLayers(validLayers) + "train: {batch_size: 0}\n", line: 5, at: "0}",
              message: "train: batch_size must be a positive whole number, got 0"),
    BadConfig(label: "negative epochs", yaml: configWithLayers(validLayers) + "train: {epochs: -2}\n", line: 5, at: "-2",
              message: "train: epochs must be a positive whole number, got -2"),
    BadConfig(label: "zero learning rate", yaml: configWithLayers(validLayers) + "optimizer: {name: sgd, lr: 0}\n", line: 5, at: "0}",
              message: "optimizer: lr must be > 0, got 0"),
    BadConfig(label: "NaN anywhere", yaml: configWithLayers(validLayers) + "optimizer: {name: sgd, lr: .nan}\n", line: 5, at: ".nan",
              message: "'.nan' is not a finite number"),
    BadConfig(label: "infinity in a layer", yaml: configWithLayers("    - leaky_relu: {alpha: .inf}"), line: 4, at: ".inf",
              message: "'.inf' is not a finite number"),
    BadConfig(label: "validation split 1", yaml: "data:\n  format: idx\n  train: {images: a, labels: b}\n  validation_split: 1\n"
              + configWithLayers(validLayers), line: 4, at: "1", message: "validation_split must be between 0 and 1 (exclusive), got 1"),
    BadConfig(label: "bad padding word", yaml: configWithLayers("    - conv2d: {filters: 4, kernel: 3, padding: sam}"), line: 4, at: "sam}",
              message: "padding must be valid, same, or a number ≥ 0 (or [height, width]), got 'sam' — did you mean 'same'?"),
    BadConfig(label: "negative padding", yaml: configWithLayers("    - maxpool2d: {size: 2, padding: -1}"), line: 4, at: "-1",
              message: "padding must be a whole number ≥ 0, got -1"),
    BadConfig(label: "boolean where a bool is not", yaml: configWithLayers("    - dense: {units: 4, use_bias: 1}"), line: 4, at: "1}",
              message: "use_bias must be true or false, got 1"),
    // Missing things
    BadConfig(label: "empty file", yaml: "", line: 0, at: "", message: "the config is empty"),
    BadConfig(label: "only comments", yaml: "# nothing here\n", line: 0, at: "", message: "the config is empty"),
    BadConfig(label: "missing model", yaml: "seed: 3\n", line: 1, at: "seed", message: "the config is missing the required key 'model'"),
    BadConfig(label: "missing input", yaml: "model:\n  layers:\n" + validLayers + "\n", line: 2, at: "layers",
              message: "model is missing the required key 'input'"),
    BadConfig(label: "missing units", yaml: configWithLayers("    - dense: {activation: relu}"), line: 4, at: "{activation",
              message: "layer 'dense_0' (dense) is missing the required key 'units' (a positive whole number)"),
    BadConfig(label: "missing kernel on a bare layer", yaml: configWithLayers("    - conv2d"), line: 4, at: "conv2d",
              message: "layer 'conv2d_0' (conv2d) is missing the required key 'filters'"),
    BadConfig(label: "empty layers", yaml: "model:\n  input: [4]\n  layers: []\n", line: 3, at: "[]", message: "model.layers is empty"),
    BadConfig(label: "options not indented under the type", yaml: configWithLayers("    - dense:\n      units: 10"), line: 4, at: "dense",
              message: "layer 0 has 2 keys ('dense', 'units'); a layer is one key, its type"),
    BadConfig(label: "empty value", yaml: configWithLayers(validLayers) + "train:\n  epochs:\n", line: 6, at: "epochs",
              message: "train: 'epochs' has no value"),
    // The layer graph
    BadConfig(label: "duplicate layer names", yaml: configWithLayers("    - dense: {units: 4, name: fc}\n    - dense: {units: 4, name: fc}"),
              line: 5, at: "fc}", message: "duplicate layer name 'fc' (first used by the layer at line 4)"),
    BadConfig(label: "default name taken", yaml: configWithLayers("    - dense: {units: 4, name: dense_1}\n    - dense: {units: 4}"),
              line: 5, at: "dense: {units: 4}", message: "duplicate layer name 'dense_1' (first used by the layer at line 4); give one of them a different 'name:'"),
    BadConfig(label: "inputs naming an unknown layer", yaml: configWithLayers("    - dense: {units: 4, name: a}\n    - dense: {units: 4, inputs: [b]}"),
              line: 5, at: "b]", message: "unknown input layer 'b'; allowed: input or a"),
    BadConfig(label: "forward reference", yaml: configWithLayers("    - dense: {units: 4, name: a, inputs: [b]}\n    - dense: {units: 4, name: b}"),
              line: 4, at: "b]", message: "reads 'b', which comes later (line 5); layers must be listed in topological order"),
    BadConfig(label: "self reference", yaml: configWithLayers("    - dense: {units: 4, name: a, inputs: a}"), line: 4, at: "a}",
              message: "lists itself in 'inputs'"),
    BadConfig(label: "add with one input", yaml: configWithLayers("    - dense: {units: 4, name: a}\n    - add: {inputs: [a]}"), line: 5, at: "[a]",
              message: "merges two or more layers, got 1"),
    BadConfig(label: "concat without inputs", yaml: configWithLayers("    - dense: {units: 4}\n    - concat: {}"), line: 5, at: "concat",
              message: "merges two or more layers; list them with 'inputs: [a, b]'"),
    BadConfig(label: "dense with two inputs", yaml: configWithLayers("    - dense: {units: 4, name: a}\n    - dense: {units: 4, inputs: [a, input]}"),
              line: 5, at: "[a, input]", message: "reads one input, got 2"),
    BadConfig(label: "layer named input", yaml: configWithLayers("    - dense: {units: 4, name: input}"), line: 4, at: "input}",
              message: "reserved for the model input"),
    BadConfig(label: "freeze an unknown layer", yaml: configWithLayers(validLayers) + "train: {freeze: [dense_1]}\n", line: 5, at: "dense_1",
              message: "unknown layer 'dense_1' — did you mean 'dense_0'?"),
    BadConfig(label: "validation twice", yaml: "data:\n  format: idx\n  train: {images: a, labels: b}\n  validation: {images: c, labels: d}\n"
              + "  validation_split: 0.2\n" + configWithLayers(validLayers), line: 5, at: "0.2", message: "either validation_split or validation"),
]

@Suite("Bad configs are refused with a one-line message at their place")
struct ConfigErrorTests {
    @Test(arguments: badConfigs)
    func refused(_ bad: BadConfig) {
        guard let error = configError(bad.yaml) else { return }
        #expect(error.message.contains(bad.message), "\(bad.label): \(error)")
        if bad.line == 0 {
            #expect(error.location == nil, "\(bad.label): \(error)")
        } else {
            #expect(error.location == location(of: bad.at, onLine: bad.line, in: bad.yaml), "\(bad.label): \(error)")
        }
        #expect(!error.description.contains("\n"), "\(bad.label): the message must be one line")
    }

    @Test func descriptionIsFileLineColumnMessage() {
        let error = configError(configWithLayers("    - dense: {units: 0}"), file: "configs/x.yaml")
        #expect(error?.description == "configs/x.yaml:4:22: layer 'dense_0': units must be a positive whole number, got 0")
        let empty = configError("", file: "configs/empty.yaml")
        #expect(empty?.description.hasPrefix("configs/empty.yaml: the config is empty") == true)
    }
}

/// 1-based line and column (in Unicode scalars) of the first `marker` on `line` of `text`.
func location(of marker: String, onLine line: Int, in text: String) -> DLTConfig.SourceLocation? {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    guard line >= 1, line <= lines.count, let range = lines[line - 1].range(of: marker) else { return nil }
    let column = lines[line - 1].unicodeScalars.distance(from: lines[line - 1].startIndex, to: range.lowerBound) + 1
    return SourceLocation(line: line, column: column)
}
