import DLTTrain
import Testing

/// The `train:` epoch-end rules as plain values, fed one number per epoch.
@Suite struct TrainingPoliciesTests {
    @Test func lossesImproveDownwardsAndOtherMetricsUpwards() {
        let loss = MetricMonitor("val_loss"), accuracy = MetricMonitor("val_accuracy")
        #expect(!loss.maximizes && accuracy.maximizes)
        #expect(loss.improves(0.5, on: nil) && accuracy.improves(0.5, on: nil))
        #expect(loss.improves(0.4, on: 0.5) && !loss.improves(0.5, on: 0.5) && !loss.improves(0.45, on: 0.5, minDelta: 0.1))
        #expect(accuracy.improves(0.6, on: 0.5) && !accuracy.improves(0.55, on: 0.5, minDelta: 0.05))
    }

    @Test func aValidationMetricReadsItsTrainingTwinWithoutValidation() {
        let monitor = MetricMonitor("val_loss")
        let withValidation = monitor.reading(in: ["val_loss": 0.25, "train_loss": 0.5])
        #expect(withValidation?.key == "val_loss" && withValidation?.value == 0.25)
        let without = monitor.reading(in: ["val_loss": nil, "train_loss": 0.5])
        #expect(without?.key == "train_loss" && without?.value == 0.5)
        #expect(monitor.reading(in: ["val_loss": nil]) == nil)
        #expect(MetricMonitor("train_accuracy").reading(in: ["train_accuracy": nil, "val_accuracy": 0.9]) == nil)
    }

    @Test func theBestEpochMustBeatTheBestByMoreThanMinDelta() {
        var best = BestEpochTracker(monitor: MetricMonitor("val_loss"), minDelta: 0.1)
        let verdicts = [1.0, 0.95, 0.85, 2].map { best.observe($0) }
        #expect(verdicts == [true, false, true, false])
        #expect(best.best == 0.85)
    }

    @Test func earlyStoppingFiresAfterMoreThanPatienceEpochsWithoutImprovement() {
        var stopping = EarlyStopping(patience: 2)
        let stops = [true, false, false, false].map { stopping.observe(improved: $0) }
        #expect(stops == [false, false, false, true] && stopping.epochsWithoutImprovement == 3)
        let afterImprovement = stopping.observe(improved: true)
        #expect(!afterImprovement && stopping.epochsWithoutImprovement == 0)

        var counting = EarlyStopping(patience: nil)
        let never = (0..<10).map { _ in counting.observe(improved: false) }
        #expect(!never.contains(true) && counting.epochsWithoutImprovement == 10)
        var impatient = EarlyStopping(patience: 0)
        let first = impatient.observe(improved: false)
        #expect(first)
    }

    @Test func aPlateauLowersTheRateByFactorDownToMinLR() {
        var plateau = PlateauReducer(monitor: MetricMonitor("val_loss"), factor: 0.5, patience: 1, minLR: 0.02)
        var lowered = [1.0, 1.0, 1.0].map { plateau.observe($0, scheduledRate: 0.1) }
        // One epoch without improvement is within patience; the second lowers the factor.
        #expect(lowered == [false, false, true])
        #expect(plateau.learningRateFactor == 0.5 && plateau.epochsWithoutImprovement == 0)
        lowered = [0.9, 0.9, 0.9].map { plateau.observe($0, scheduledRate: 0.1) }
        #expect(lowered == [false, false, true] && plateau.best == 0.9 && plateau.learningRateFactor == 0.25)
        lowered = [0.9, 0.9].map { plateau.observe($0, scheduledRate: 0.1) }
        #expect(lowered == [false, true])
        #expect(abs(plateau.learningRateFactor * 0.1 - 0.02) < 1e-12, "min_lr is the floor")
        lowered = [0.9, 0.9].map { plateau.observe($0, scheduledRate: 0.1) }
        #expect(lowered == [false, false], "at the floor nothing is lowered")
    }

    @Test func aPlateauNeverRaisesTheRate() {
        // min_lr above the schedule's rate: the floor would be a factor above 1.
        var plateau = PlateauReducer(monitor: MetricMonitor("val_accuracy"), factor: 0.1, patience: 0, minLR: 0.01)
        let lowered = [0.5, 0.4].map { plateau.observe($0, scheduledRate: 0.001) }
        #expect(lowered == [false, false] && plateau.learningRateFactor == 1)
    }

    /// A policy rebuilt from its saved state mid-run (as --resume does) decides as the original.
    @Test func policiesResumeFromTheirSavedState() {
        let values = [1.0, 0.9, 0.9, 0.9, 0.95, 0.8, 0.85, 0.85]
        var whole = PlateauReducer(monitor: MetricMonitor("val_loss"), factor: 0.5, patience: 1, minLR: 0)
        let wholeVerdicts = values.map { whole.observe($0, scheduledRate: 0.1) }
        var first = PlateauReducer(monitor: MetricMonitor("val_loss"), factor: 0.5, patience: 1, minLR: 0)
        let firstVerdicts = values.prefix(3).map { first.observe($0, scheduledRate: 0.1) }
        var resumed = PlateauReducer(monitor: first.monitor, factor: 0.5, patience: 1, minLR: 0, best: first.best,
                                     epochsWithoutImprovement: first.epochsWithoutImprovement,
                                     learningRateFactor: first.learningRateFactor)
        let restVerdicts = values.dropFirst(3).map { resumed.observe($0, scheduledRate: 0.1) }
        #expect(firstVerdicts + restVerdicts == wholeVerdicts && resumed == whole)
    }
}
