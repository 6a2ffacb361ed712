import ArgumentParser
import DLTConfig
import DLTTrain
import Foundation

struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train one run per combination of --grid values (or --random draws) and rank them.",
        discussion: """
            Each trial is a normal run directory DIR/trial-NNN; DIR/sweep.jsonl and DIR/sweep.csv hold one row per \
            finished trial. Run the same command again to continue an interrupted sweep. See docs/experiments.md.
            """)

    @OptionGroup var config: ConfigArgument
    @Option(help: ArgumentHelp("A config key and its values: KEY=V1,V2,... or, with --random, KEY=LOW:HIGH or KEY=LOW:HIGH:log (repeatable).",
                               valueName: "KEY=VALUES"))
    var grid: [String] = []
    @Option(help: ArgumentHelp("Draw N trials at random instead of running every combination.", valueName: "N"))
    var random: Int?
    @Option(help: ArgumentHelp("Seed of the --random draws (default 0).", valueName: "S")) var seed: UInt64?
    @Option(help: ArgumentHelp("Sweep directory (default runs/<config name>-sweep).", valueName: "DIR")) var out: String?
    @OptionGroup var length: TrainingLengthOptions
    @OptionGroup var threading: ThreadOptions
    @OptionGroup var output: JSONOutputOptions

    func run() throws {
        let plan = try SweepPlan(grid: grid, random: random, seed: seed)
        let base = try config.load()
        let trialConfigs = try checkedConfigs(plan.trials)
        let directory = out ?? "runs/\(base.name)-sweep"
        let monitor = MetricMonitor(base.train.monitor)
        let definition = SweepDefinition(
            config: config.config, configDigest: SweepDefinition.digest(ofFile: config.config), set: config.overrides,
            grid: grid, random: random, seed: seed, epochs: length.epochs, maxSteps: length.maxSteps,
            trainLimit: length.trainLimit, monitor: monitor.key,
            trials: plan.trials.map { .init(name: $0.name, overrides: $0.overrides.map(\.description)) })
        let continuing = try definition.checkDirectory(directory)
        if let random, plan.trials.count < random {
            FileHandle.standardError.write(Data("sweep: the --grid lists hold \(plan.trials.count) combinations; running each once\n".utf8))
        }
        var ledger = SweepLedger(directory: directory, plan: plan)
        try runTrials(plan: plan, configs: trialConfigs, ledger: &ledger, monitor: monitor,
                      definitionToWrite: continuing ? nil : definition)
        let report = SweepReport(ledger: ledger, monitor: monitor)
        print(output.json ? report.json : report.table, terminator: output.json ? "\n" : "")
        if !ledger.rows.contains(where: { $0.result.status == .finished }) {
            throw RunFailure("every trial of the sweep failed; see \(directory)/sweep.jsonl")
        }
    }

    /// Trials one after another, each with every core (or --threads); Ctrl-C stops the sweep with
    /// exit 130, leaving the trial it stopped unrecorded so that a rerun resumes it. A new sweep's
    /// sweep.json is written once the first trial's data has loaded, so bad data writes nothing.
    private func runTrials(plan: SweepPlan, configs: [ModelConfig], ledger: inout SweepLedger, monitor: MetricMonitor,
                           definitionToWrite: SweepDefinition?) throws {
        let progress = ProgressLine()
        var definitionToWrite = definitionToWrite
        Interrupt.install()
        for (index, (trial, trialConfig)) in zip(plan.trials, configs).enumerated() where !ledger.isFinished(trial) {
            if Interrupt.requested { throw ExitCode(130) }
            let run = SweepTrialRun(config: trialConfig, directory: ledger.directory + "/" + trial.name, epochs: length.epochs,
                                    maxSteps: length.maxSteps, trainLimit: length.trainLimit, threads: threading.threads)
            let trainer = try run.makeTrainer()
            progress.note("sweep: \(trial.name) (\(index + 1)/\(plan.trials.count)): \(trial.overrides.summary)")
            try definitionToWrite?.write(to: ledger.directory)
            definitionToWrite = nil
            guard let result = try run.run(trainer, monitor: monitor, progress: progress) else {
                progress.note("sweep: interrupted in \(trial.name); run the same command again to continue")
                throw ExitCode(130)
            }
            try ledger.record(result)
        }
    }

    /// Each trial's config (the file, then --set, then the trial's values) checked like `dlt train`
    /// checks it, graph included, so that a bad value fails before the first trial starts.
    private func checkedConfigs(_ trials: [SweepPlan.Trial]) throws -> [ModelConfig] {
        let text: String
        do { text = try String(contentsOfFile: config.config, encoding: .utf8) } catch {
            throw ConfigError(file: config.config, location: nil, message: "the config file cannot be read")
        }
        let fixed = try config.parsedOverrides()
        return try trials.map { trial in
            let trialConfig = try ModelConfig.parse(text: text, file: config.config, overrides: fixed + trial.overrides)
            do {
                _ = try ModelSetup(config: trialConfig, threads: 1, seed: trialConfig.seed)
            } catch {
                throw trialConfig.restated(error)
            }
            return trialConfig
        }
    }
}
