import DLTConfig
import DLTData

/// The data `dlt eval --data` names: a split of the checkpoint's config (train, validation,
/// test) or files in the config's format (idx: IMAGES[,LABELS]; csv: PATH; cifar10: FILES; npy: INPUTS[,LABELS]).
public enum EvaluationData {
    public static func load(_ model: TrainedModel, data: [String]) throws -> (dataset: Dataset, normalization: Normalization) {
        let config = model.config
        let split = data.isEmpty ? "test" : data.count == 1 && ["train", "validation", "test"].contains(data[0]) ? data[0] : nil
        if let split {
            let all = try TrainingData.load(config: config, task: model.task, tokenInputs: model.graph.tokenInputs, trainLimit: nil,
                                            withTest: split == "test", vocabulary: model.vocabulary)
            let chosen: Dataset?
            switch split {
            case "train": chosen = all.train
            case "validation": chosen = all.validation
            default: chosen = all.test
            }
            guard let dataset = chosen else {
                throw UsageError("the config of \(model.checkpointPath) has no \(split) data; pass files with --data")
            }
            return (dataset, all.normalization)
        }
        guard let dataConfig = config.data else {
            throw UsageError("the config of \(model.checkpointPath) has no data section, so the format of --data files is unknown")
        }
        let reader = SourceReader(config: config, data: dataConfig, vocabulary: model.vocabulary)
        var dataset = try reader.readFiles(data)
        try TrainingData.check(dataset, displayName: data.joined(separator: ","), config: config, task: model.task,
                               tokenInputs: model.graph.tokenInputs)
        dataset.sampleShape = config.input
        return (dataset, TrainingData.normalization(of: config))
    }
}
