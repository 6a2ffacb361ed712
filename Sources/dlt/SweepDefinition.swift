import DLTTrain
import Foundation

/// DIR/sweep.json: what a sweep directory was made by. A rerun with the same definition continues
/// the sweep; one with another definition (config contents, --set, --grid, --random/--seed or the
/// training length) is refused, so trials of two different sweeps never end up in one table.
struct SweepDefinition: Codable, Equatable {
    struct Trial: Codable, Equatable {
        let name: String
        /// `key=value` as given, in --grid order.
        let overrides: [String]
    }

    static let fileName = "sweep.json"

    /// The config's path as given; informational, a moved config with the same contents still continues.
    var config: String
    /// FNV-1a 64 of the config file's bytes, in hex.
    var configDigest: String
    var set: [String]
    var grid: [String]
    var random: Int?
    var seed: UInt64?
    var epochs: Int?
    var maxSteps: Int?
    var trainLimit: Int?
    var monitor: String
    var trials: [Trial]

    enum CodingKeys: String, CodingKey {
        case config, configDigest = "config_digest", set, grid, random, seed, epochs, maxSteps = "max_steps",
             trainLimit = "train_limit", monitor, trials
    }

    static func digest(ofFile path: String) -> String {
        let bytes = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(format: "%016llx", hash)
    }

    /// The fields that must agree for a rerun to continue, and how they read in the refusal.
    private func differences(from other: SweepDefinition) -> [String] {
        var what: [String] = []
        if configDigest != other.configDigest { what.append("config file contents") }
        if set != other.set { what.append("--set") }
        if grid != other.grid { what.append("--grid") }
        if random != other.random || seed != other.seed { what.append("--random/--seed") }
        if epochs != other.epochs || maxSteps != other.maxSteps || trainLimit != other.trainLimit {
            what.append("--epochs/--max-steps/--train-limit")
        }
        if what.isEmpty && (monitor != other.monitor || trials != other.trials) { what.append("trial list") }
        return what
    }

    /// Checks `directory` before any work: a new or empty directory is fine, one holding this
    /// sweep continues it; anything else is bad usage (exit 2). True when the sweep already exists.
    func checkDirectory(_ directory: String) throws -> Bool {
        let path = directory + "/" + Self.fileName
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: directory, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw UsageError("--out \(directory) is a file; a sweep writes a directory of runs there")
        }
        guard fm.fileExists(atPath: path) else {
            let contents = (try? fm.contentsOfDirectory(atPath: directory)) ?? []
            if !contents.isEmpty {
                throw UsageError("\(directory) is not empty and holds no \(Self.fileName), so it is not a sweep directory; give another --out")
            }
            return false
        }
        guard let data = fm.contents(atPath: path), let stored = try? JSONDecoder().decode(SweepDefinition.self, from: data) else {
            throw UsageError("\(path) is not a dlt sweep definition; give another --out")
        }
        let differences = differences(from: stored)
        if !differences.isEmpty {
            throw UsageError("\(directory) holds a different sweep (made with other \(differences.joined(separator: ", "))); rerun it with its own arguments (see \(path)) or give another --out")
        }
        return true
    }

    func write(to directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try encoder.encode(self).write(to: URL(fileURLWithPath: directory + "/" + Self.fileName), options: .atomic)
        } catch {
            throw RunFailure("\(directory)/\(Self.fileName): cannot write: \(error.localizedDescription)")
        }
    }
}

extension SweepDefinition {
    /// A sweep trial's overrides (`optimizer.lr=0.01 train.batch_size=64`), read from the sweep.json
    /// of the directory holding `runDirectory`; nil for a run that is not a sweep trial.
    static func trialOverrides(ofRun runDirectory: String) -> String? {
        let url = URL(fileURLWithPath: runDirectory).standardizedFileURL
        let definitionPath = url.deletingLastPathComponent().appendingPathComponent(fileName).path
        guard let data = FileManager.default.contents(atPath: definitionPath),
              let definition = try? JSONDecoder().decode(SweepDefinition.self, from: data),
              let trial = definition.trials.first(where: { $0.name == url.lastPathComponent }) else { return nil }
        return trial.overrides.joined(separator: " ")
    }
}
