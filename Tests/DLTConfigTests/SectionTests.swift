@testable import DLTConfig
import DLTTrain
import Foundation
import Testing

@Suite("Data, optimizer, schedule and train sections")
struct SectionTests {
    let layers = "    - dense: {units: 2, name: head}"

    @Test func csvTextData() throws {
        let config = try ModelConfig.parse(text: """
        data:
          format: csv
          train: {path: train.csv, text_column: review, label_column: 0}
          test: {path: test.csv, text_column: review}
          vocab: 10000
          length: 200
          normalize: {mean: [0.5], std: [0.25]}

        """ + configWithLayers(layers), file: "t.yaml")
        let data = try #require(config.data)
        #expect(data.format == .csv)
        #expect(data.train == .csv(.init(path: "train.csv", labelColumn: .index(0), textColumn: .name("review"))))
        #expect(data.test == .csv(.init(path: "test.csv", labelColumn: nil, textColumn: .name("review"))))
        #expect(data.vocab == 10000 && data.length == 200)
        #expect(data.normalize == .meanStd(mean: [0.5], std: [0.25]))
    }

    @Test func cifarAndNpyData() throws {
        let cifar = try ModelConfig.parse(text: "data: {format: cifar10, train: {files: [a.bin, b.bin]}, test: {files: t.bin}}\n"
                                          + configWithLayers(layers), file: "c.yaml")
        #expect(cifar.data?.train == .cifar10(.init(files: ["a.bin", "b.bin"])))
        #expect(cifar.data?.test == .cifar10(.init(files: ["t.bin"])))
        let npy = try ModelConfig.parse(text: "data: {format: npy, train: {inputs: x.npy, labels: y.npy}}\n"
                                        + configWithLayers(layers), file: "n.yaml")
        #expect(npy.data?.train == .npy(.init(inputs: "x.npy", labels: "y.npy")))
    }

    @Test func optimizerAndSchedule() throws {
        let config = try ModelConfig.parse(text: configWithLayers(layers) + """
        optimizer: {name: sgd, lr: 0.1, momentum: 0.9, nesterov: true, clip_norm: 5}
        schedule: {name: multistep, milestones: [30, 60], gamma: 0.2, warmup_steps: 100}

        """, file: "o.yaml")
        #expect(config.optimizer.name == .sgd && config.optimizer.lr == 0.1)
        #expect(config.optimizer.algorithm == .sgd(momentum: 0.9, nesterov: true) && config.optimizer.clipNorm == 5)
        #expect(config.schedule.decay == .multistep(milestones: [30, 60], gamma: 0.2))
        #expect(config.schedule.name == .multistep && config.schedule.warmupSteps == 100)
    }

    @Test func shortFormsAndPerOptimizerDefaults() throws {
        let config = try ModelConfig.parse(text: configWithLayers(layers) + """
        optimizer: adamw
        schedule: {name: exponential, decay_rate: 0.95}
        loss: mse
        metrics: [accuracy, f1]

        """, file: "s.yaml")
        #expect(config.optimizer.name == .adamw && config.optimizer.weightDecay == 0.01 && config.optimizer.lr == 0.001)
        #expect(config.schedule.decay == .exponential(gamma: 0.95))
        #expect(config.loss.name == .mse)
        #expect(config.metrics == ["accuracy", "f1"])
        let sgd = try ModelConfig.parse(text: configWithLayers(layers) + "optimizer: {name: sgd}\nschedule: {name: step, step_size: 10}\n", file: "s.yaml")
        #expect(sgd.optimizer.lr == 0.01)
        #expect(sgd.optimizer.algorithm == .sgd(momentum: 0, nesterov: false))
        #expect(sgd.schedule.decay == .step(stepSize: 10, gamma: 0.1))
    }

    @Test func trainCallbacksAndFreeze() throws {
        let config = try ModelConfig.parse(text: configWithLayers(layers) + """
        metrics: [accuracy, auc]
        train:
          epochs: 20
          batch_size: 64
          shuffle: false
          early_stopping: {monitor: val_auc, patience: 3, min_delta: 0.001}
          reduce_lr_on_plateau: {factor: 0.5, patience: 2}
          checkpoint_every: 2
          freeze: [head]
          on_nan: skip

        """, file: "tr.yaml")
        let train = config.train
        #expect(train.epochs == 20 && train.batchSize == 64 && !train.shuffle)
        #expect(train.earlyStopping?.monitor == "val_auc" && train.earlyStopping?.patience == 3)
        #expect(train.earlyStopping?.minDelta == 0.001)
        #expect(train.reduceLROnPlateau?.monitor == "val_loss" && train.reduceLROnPlateau?.factor == 0.5)
        #expect(train.reduceLROnPlateau?.patience == 2 && train.reduceLROnPlateau?.minLR == 0)
        #expect(train.checkpointEvery == 2 && train.freeze == ["head"] && train.onNaN == .skip)
        #expect(config.location(ofKeyPath: "train.freeze.0") == DLTConfig.SourceLocation(line: 13, column: 12))
    }

    @Test func monitorMustNameAConfiguredMetric() {
        let error = configError(configWithLayers(layers) + "train: {early_stopping: {monitor: val_f1}}\n")
        #expect(error?.message.contains("unknown monitor 'val_f1'") == true, "\(String(describing: error))")
    }

    @Test func trainMonitorDefaultsAndSharesEarlyStoppingsMetric() throws {
        let base = configWithLayers(layers)
        #expect(try ModelConfig.parse(text: base, file: "a.yaml").train.monitor == "val_loss")
        let given = try ModelConfig.parse(text: base + "train: {monitor: val_accuracy, early_stopping: {patience: 2}}\n", file: "a.yaml")
        #expect(given.train.monitor == "val_accuracy" && given.train.earlyStopping?.monitor == "val_accuracy")
        let fromStopping = try ModelConfig.parse(text: base + "train: {early_stopping: {monitor: train_loss}}\n", file: "a.yaml")
        #expect(fromStopping.train.monitor == "train_loss")
        let error = configError(base + "train: {monitor: val_accuracy, early_stopping: {monitor: val_loss}}\n")
        #expect(error?.message.contains("differs from train.monitor 'val_accuracy'") == true, "\(String(describing: error))")
        #expect(configError(base + "train: {monitor: val_f1}\n")?.message.contains("unknown monitor 'val_f1'") == true)
    }

    @Test func nesterovNeedsMomentum() {
        let error = configError(configWithLayers(layers) + "optimizer: {name: sgd, nesterov: true}\n")
        #expect(error?.message.contains("nesterov needs momentum > 0") == true)
    }

    @Test func milestonesMustIncrease() {
        let error = configError(configWithLayers(layers) + "schedule: {name: multistep, milestones: [5, 5]}\n")
        #expect(error?.message.contains("strictly increasing") == true)
        #expect(error?.location == DLTConfig.SourceLocation(line: 5, column: 45))
    }

    @Test func loadReportsUnreadableAndNonUTF8Files() throws {
        let missing = "/nonexistent/dir/config.yaml"
        #expect(throws: ConfigError(file: missing, location: nil, message: "the config file does not exist")) {
            try ModelConfig.load(path: missing)
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("dlt-config-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data([0x6d, 0x3a, 0x0a, 0x20, 0xff, 0xfe, 0x00]).write(to: URL(fileURLWithPath: path))
        do {
            _ = try ModelConfig.load(path: path)
            Issue.record("a non-UTF-8 file must be refused")
        } catch let error as ConfigError {
            #expect(error.message.contains("not UTF-8"))
            #expect(error.location == DLTConfig.SourceLocation(line: 2, column: 2))
        }
    }

    @Test func loadReadsAFileAndKeepsItsText() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("dlt-mlp-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try specExampleYAML.write(toFile: path, atomically: true, encoding: .utf8)
        let config = try ModelConfig.load(path: path)
        #expect(config.text == specExampleYAML && config.file == path && config.name == "mnist_cnn")
    }
}
