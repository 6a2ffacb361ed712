import DLTConfig
import DLTData

/// `dlt augment`: the first training samples as epoch 0 of `dlt train` augments them (the same
/// draws, which depend only on seed, epoch and sample index), with their labels, for a grid.
public struct AugmentationPreview {
    public let values: SampleValues
    public let sampleShape: [Int]
    public let count: Int
    /// The class name (or number) of each sample, "" without labels.
    public let labels: [String]

    public init(config: ModelConfig, samples: Int) throws {
        let setup = try ModelSetup(config: config, threads: 1, seed: config.seed)
        let data = try TrainingData.load(config: config, task: setup.task, tokenInputs: setup.graph.tokenInputs,
                                         trainLimit: samples, withTest: false)
        let train = data.train
        let indices = Array(0..<train.count)
        if data.augment.isEmpty {
            values = train.values
        } else {
            let augmentation = Augmentation(transforms: data.augment, seed: config.seed, epoch: 0)
            values = try Augmenter(augmentation, sampleShape: train.sampleShape, values: train.values)
                .augmentedSamples(train.values, indices: indices)
        }
        sampleShape = train.sampleShape
        count = train.count
        let names = config.data?.classes
        labels = indices.map { index in
            guard let label = train.labels?[index] else { return "" }
            if let names, Int(label) < names.count { return names[Int(label)] }
            return String(label)
        }
    }
}
