import DLTConfig
import DLTCore
import DLTData
import Foundation

/// The config's `data:` section, read: train / validation / test datasets, the normalisation
/// applied per batch and (for text) the vocabulary. Every check against the model
/// (sample shape, label range) happens here, before training starts.
public struct TrainingData {
    /// A layer reading the model input as token ids, and the bound on them.
    public typealias TokenInput = (layer: String, vocabularySize: Int)

    public var train: Dataset
    public var validation: Dataset?
    public var test: Dataset?
    public var normalization: Normalization
    /// `data.augment`, for training batches only.
    public var augment: [ImageTransform]
    public var vocabulary: [String]?

    /// Reads the training data (with its validation part) and, when `withTest`, the test split.
    /// `vocabulary`: the one a trained model was made with (eval/predict on text data).
    /// `tokenInputs`: the graph's layers that read the input as token ids (`Graph.tokenInputs`).
    public static func load(config: ModelConfig, task: LearningTask, tokenInputs: [TokenInput], trainLimit: Int?, withTest: Bool,
                            vocabulary: [String]? = nil) throws -> TrainingData {
        guard let data = config.data else {
            throw ConfigError(file: config.file, location: nil, message: "the config has no data: section; add data: {format: ..., train: ...}")
        }
        guard let trainSource = data.train else {
            throw ConfigError(file: config.file, location: config.location(ofKeyPath: "data"), message: "data.train is missing")
        }
        let reader = SourceReader(config: config, data: data, vocabulary: vocabulary)
        var train = try reader.read(trainSource)
        let fixedVocabulary = train.vocabulary
        let sameVocabulary = SourceReader(config: config, data: data, vocabulary: fixedVocabulary ?? vocabulary)
        var validation: Dataset?
        if let source = data.validation {
            validation = try sameVocabulary.read(source)
        } else if let fraction = data.validationSplit {
            let parts = train.splitTail(fraction: fraction)
            train = parts.train
            validation = parts.validation
        }
        if let limit = trainLimit { train = train.prefix(limit) }
        let test = withTest ? try data.test.map { try sameVocabulary.read($0) } : nil
        var result = TrainingData(train: train, validation: validation, test: test,
                                  normalization: normalization(of: config), augment: augment(of: config),
                                  vocabulary: fixedVocabulary ?? vocabulary)
        for (dataset, source) in [(result.train, trainSource), (validation, data.validation ?? trainSource), (test, data.test)] {
            guard let dataset, let source else { continue }
            try check(dataset, displayName: source.displayName, labelsName: source.labelsFile, config: config, task: task,
                      tokenInputs: tokenInputs)
        }
        _ = try result.normalization.affine(sampleShape: config.input, name: config.file)
        // Samples take the model's input shape (e.g. 28x28 IDX images fed to input [784]).
        result.train.sampleShape = config.input
        result.validation?.sampleShape = config.input
        result.test?.sampleShape = config.input
        return result
    }

    /// `normalize:` as the batcher applies it.
    static func normalization(of config: ModelConfig) -> Normalization {
        switch config.data?.normalize {
        case .scale(let scale): return Normalization(scale: Float(scale))
        case .meanStd(let mean, let std): return Normalization(mean: mean.map(Float.init), std: std.map(Float.init))
        case nil: return Normalization()
        }
    }

    /// `augment:` as the batcher runs it.
    static func augment(of config: ModelConfig) -> [ImageTransform] {
        (config.data?.augment ?? []).map { step in
            switch step.transform {
            case .randomCrop(let padding): return .randomCrop(padding: padding)
            case .flip(let horizontal, let vertical): return .flip(horizontal: horizontal, vertical: vertical)
            case .rotate(let degrees): return .rotate(degrees: Float(degrees))
            case .zoom(let low, let high): return .zoom(low: Float(low), high: Float(high))
            case .translate(let fraction): return .translate(fraction: Float(fraction))
            case .brightness(let delta): return .brightness(delta: Float(delta))
            case .contrast(let low, let high): return .contrast(low: Float(low), high: Float(high))
            case .cutout(let size): return .cutout(size: size)
            }
        }
    }

    /// The samples must have the model's input shape (or its element count) and labels that fit the outputs.
    /// `labelsName`: the file labels come from when it is not the samples' file (IDX, npy).
    static func check(_ dataset: Dataset, displayName file: String, labelsName: String? = nil,
                      config: ModelConfig, task: LearningTask, tokenInputs: [TokenInput]) throws {
        let labelFile = labelsName ?? file
        let perSample = dataset.sampleShape.reduce(1, *)
        let input = config.input.reduce(1, *)
        guard perSample == input else {
            throw DataError(file: file, message: "samples have shape \(Shape(dataset.sampleShape)) but the model input is \(Shape(config.input)) (set model.input to match the data)")
        }
        // Token ids must index the embedding table; an id past it would silently embed as zeros.
        for reader in tokenInputs {
            let vocab = reader.vocabularySize
            for i in 0..<dataset.values.count {
                let id = dataset.values[i]
                if !(id >= 0 && id < Float(vocab)) || id != id.rounded() {
                    throw DataError(file: file, message: "token id \(id) of sample \(i / max(perSample, 1)) is not in 0..<\(vocab), the vocab of layer '\(reader.layer)'")
                }
            }
        }
        switch task {
        case .multiClass(let classes):
            guard let labels = dataset.labels else {
                throw DataError(file: labelFile, message: "cross_entropy needs labels and this data has none")
            }
            if let i = labels.firstIndex(where: { $0 < 0 || Int($0) >= classes }) {
                throw DataError(file: labelFile, message: "label \(labels[i]) of sample \(i) is outside the model's \(classes) outputs (0...\(classes - 1))")
            }
            if let names = config.data?.classes, names.count != classes {
                throw ConfigError(file: config.file, location: config.location(ofKeyPath: "data.classes"),
                                  message: "data.classes names \(names.count) classes but the model has \(classes) outputs")
            }
        case .binary:
            if let labels = dataset.labels, let i = labels.firstIndex(where: { $0 != 0 && $0 != 1 }) {
                throw DataError(file: labelFile, message: "label \(labels[i]) of sample \(i) is not 0 or 1, as binary_cross_entropy needs")
            }
            if dataset.labels == nil && dataset.targets == nil {
                throw DataError(file: labelFile, message: "binary_cross_entropy needs labels and this data has none")
            }
        case .regression(let outputs):
            if dataset.labels == nil && dataset.targets == nil {
                throw DataError(file: labelFile, message: "mse needs targets and this data has none")
            }
            if dataset.targets != nil, dataset.targetWidth != outputs {
                throw DataError(file: labelFile, message: "the data has \(dataset.targetWidth) targets per sample but the model has \(outputs) outputs")
            }
            // Without float targets mse compares labels as one-hot rows over the outputs.
            if dataset.targets == nil, outputs > 1, let labels = dataset.labels,
               let i = labels.firstIndex(where: { $0 < 0 || Int($0) >= outputs }) {
                throw DataError(file: labelFile, message: "label \(labels[i]) of sample \(i) is outside the model's \(outputs) outputs (0...\(outputs - 1)); mse compares labels as one-hot rows")
            }
        case .reconstruction:
            break
        }
    }
}
