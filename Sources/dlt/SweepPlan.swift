import DLTConfig
import DLTCore
import DLTTrain

/// The trials of a sweep, in order: every combination of the `--grid` lists (the last key
/// varying fastest, as itertools.product and Hydra's multirun), or with `--random N --seed S`
/// N draws, each key drawn on its own (a list uniformly, a range uniformly or log-uniformly).
/// The same arguments always give the same trials, which is what lets a sweep continue.
struct SweepPlan {
    struct Trial: Equatable {
        /// The run directory's name under the sweep directory: trial-001, trial-002, ...
        let name: String
        let overrides: [ConfigOverride]
    }

    let axes: [SweepAxis]
    let trials: [Trial]

    init(grid arguments: [String], random: Int?, seed: UInt64?) throws {
        guard !arguments.isEmpty else {
            throw UsageError("the sweep is empty: give at least one --grid KEY=V1,V2,... (e.g. --grid optimizer.lr=0.1,0.01)")
        }
        axes = try arguments.map(SweepAxis.init(argument:))
        var seen: Set<String> = []
        for axis in axes where !seen.insert(axis.key).inserted {
            throw UsageError("--grid \(axis.argument): '\(axis.key)' is swept by an earlier --grid too; give each key once")
        }
        if seed != nil && random == nil { throw UsageError("--seed picks the --random draws; it needs --random N") }
        let values: [[String]]
        if let random {
            guard random >= 1 else { throw UsageError("--random must be at least 1, got \(random)") }
            guard axes.contains(where: { $0.count != 1 }) else {
                throw UsageError("--random \(random) has nothing to draw from: every --grid key has one value; give a list V1,V2,... or a range LOW:HIGH")
            }
            values = Self.draws(axes, count: random, seed: seed ?? 0)
        } else {
            if let range = axes.first(where: { $0.count == nil }) {
                throw UsageError("--grid \(range.argument): a range is drawn from by --random N; without it, list the values V1,V2,...")
            }
            values = Self.product(axes.map { axis in axis.count.map { _ in Self.items(axis) } ?? [] })
        }
        let width = max(3, String(values.count).count)
        let axes = axes
        trials = values.enumerated().map { index, trialValues in
            let number = String(index + 1)
            return Trial(name: "trial-" + String(repeating: "0", count: width - number.count) + number,
                         overrides: zip(axes, trialValues).map { $0.override($1) })
        }
    }

    private static func items(_ axis: SweepAxis) -> [String] {
        if case .list(let items) = axis.values { return items }
        return []
    }

    private static func product(_ lists: [[String]]) -> [[String]] {
        lists.reduce([[]]) { partial, list in partial.flatMap { prefix in list.map { prefix + [$0] } } }
    }

    /// N random trials. With lists only, distinct combinations are drawn (without replacement, as
    /// Keras Tuner's RandomSearch skips repeats), at most as many as there are.
    private static func draws(_ axes: [SweepAxis], count: Int, seed: UInt64) -> [[String]] {
        var random = SeededRandom(seed: seed, stream: 0x5EE9)
        if axes.allSatisfy({ $0.count != nil }) {
            var combinations = product(axes.map(items))
            for i in stride(from: combinations.count - 1, to: 0, by: -1) {
                combinations.swapAt(i, Int(random.next() % UInt64(i + 1)))
            }
            return Array(combinations.prefix(count))
        }
        return (0..<count).map { _ in axes.map { $0.draw(&random) } }
    }
}
