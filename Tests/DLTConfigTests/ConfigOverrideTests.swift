@testable import DLTConfig
import DLTTrain
import Testing

/// `--set KEY=VALUE`: overrides applied to the YAML document before the checks, so they are
/// validated like the file, and errors at them name the flag instead of a line.
@Suite struct ConfigOverrideTests {
    func parse(_ yaml: String = specExampleYAML, _ arguments: String...) throws -> ModelConfig {
        try ModelConfig.parse(text: yaml, file: "spec.yaml", overrides: arguments.map { try ConfigOverride(argument: $0) })
    }

    func overrideError(_ arguments: String..., yaml: String = specExampleYAML) -> ConfigError? {
        do {
            _ = try ModelConfig.parse(text: yaml, file: "spec.yaml", overrides: arguments.map { try ConfigOverride(argument: $0) })
            Issue.record("expected a ConfigError for \(arguments)")
        } catch let error as ConfigError {
            return error
        } catch {
            Issue.record("expected a ConfigError, got \(error)")
        }
        return nil
    }

    @Test func scalarsListsAndLayerKeysAreReplaced() throws {
        let config = try parse(specExampleYAML, "optimizer.lr=0.01", "model.layers.2.conv2d.filters=128",
                               "train.batch_size=64", "metrics=[accuracy, f1]")
        #expect(config.optimizer.lr == 0.01)
        #expect(config.layers[2].values["filters"] == .int(128))
        #expect(config.train.batchSize == 64)
        #expect(config.metrics == ["accuracy", "f1"])
        #expect(config.overrides.map(\.description) == ["optimizer.lr=0.01", "model.layers.2.conv2d.filters=128",
                                                       "train.batch_size=64", "metrics=[accuracy, f1]"])
    }

    @Test func laterOverridesWinAndMissingKeysAreAdded() throws {
        let config = try parse(specExampleYAML, "optimizer.lr=0.5", "optimizer.lr=0.02", "train.monitor=val_accuracy")
        #expect(config.optimizer.lr == 0.02)
        #expect(config.train.monitor == "val_accuracy")
        let noOptimizer = try parse(configWithLayers("    - flatten\n    - dense: {units: 10}"), "optimizer.name=sgd", "optimizer.lr=0.3")
        #expect(noOptimizer.optimizer.algorithm.name == .sgd)
        #expect(noOptimizer.optimizer.lr == 0.3)
    }

    @Test func theTextIsTheDocumentAfterOverridesAndParsesToTheSameConfig() throws {
        let config = try parse(specExampleYAML, "optimizer.lr=0.01", "model.layers.5.dense.units=32", "name=tuned")
        #expect(config.text.hasPrefix("# spec.yaml, with:\n#   --set optimizer.lr=0.01\n"))
        let again = try ModelConfig.parse(text: config.text, file: "config.yaml")
        #expect(again.optimizer.lr == 0.01)
        #expect(again.layers[5].values["units"] == .int(32))
        #expect(again.name == "tuned")
        #expect(again.data?.classes == config.data?.classes)
        #expect(try parse(specExampleYAML).text == specExampleYAML)
    }

    @Test func aBadValueNamesTheFlag() {
        let error = overrideError("optimizer.lr=abc")
        #expect(error?.description == "--set optimizer.lr=abc: optimizer: lr must be a number, got 'abc'")
        #expect(overrideError("model.layers.0.conv2d.filters=0")?.description.hasPrefix("--set model.layers.0.conv2d.filters=0: ") == true)
        #expect(overrideError("optimizer.lr=")?.description == "--set optimizer.lr=: optimizer: 'lr' has no value; give it one or remove the line")
        #expect(overrideError("optimizer.lr=.nan")?.file == "--set optimizer.lr=.nan")
        #expect(overrideError("train.epochs=[1, 2")?.file == "--set train.epochs=[1, 2")
    }

    @Test func anUnknownKeyGetsTheFilesDidYouMean() {
        #expect(overrideError("optimizer.lrr=0.1")?.description
                == "--set optimizer.lrr=0.1: optimizer: unknown key 'lrr' — did you mean 'lr'?")
        #expect(overrideError("optimzer.lr=0.1")?.description
                == "--set optimzer.lr=0.1: unknown top-level key 'optimzer' — did you mean 'optimizer'?")
        #expect(overrideError("model.layers.2.conv2d.filter=8")?.message.contains("did you mean 'filters'") == true)
    }

    @Test func pathsThatCannotBeFollowedAreRefused() {
        #expect(overrideError("model.layers.9.dense.units=3")?.description
                == "--set model.layers.9.dense.units=3: model.layers is a list of 7; '9' is not one of its entries (index it with 0 to 6)")
        #expect(overrideError("optimizer.lr.x=3")?.description
                == "--set optimizer.lr.x=3: optimizer.lr is 0.001, not a mapping, so it has no key 'x'")
        #expect((try? ConfigOverride(argument: "optimizer.lr")) == nil)
        #expect((try? ConfigOverride(argument: "=3")) == nil)
        #expect((try? ConfigOverride(argument: "optimizer..lr=3")) == nil)
    }

    @Test func errorsInTheFileKeepTheirLine() {
        let yaml = specExampleYAML.replacingOccurrences(of: "batch_size: 32", with: "batch_size: -1")
        let error = overrideError("optimizer.lr=0.01", yaml: yaml)
        #expect(error?.file == "spec.yaml")
        #expect(error?.location?.line == 25)
    }

    @Test func laterStageErrorsAtAnOverriddenValueAreRestated() throws {
        let config = try parse(specExampleYAML, "train.freeze=[dense_5]")
        let located = ConfigError(file: "spec.yaml", location: config.location(ofKeyPath: "train.freeze"), message: "bad")
        #expect((config.restated(located) as? ConfigError)?.description == "--set train.freeze=[dense_5]: bad")
        let elsewhere = ConfigError(file: "spec.yaml", location: config.location(ofKeyPath: "train.epochs"), message: "bad")
        #expect((config.restated(elsewhere) as? ConfigError) == elsewhere)
    }
}
