import Foundation
import Yams

/// A whole checked config: every key known, every value typed and in range, every layer
/// connected to earlier ones. Positions are kept so that later stages (shape inference, data
/// loading) report their errors at the right line.
public struct ModelConfig {
    public let file: String
    /// The YAML text as given, saved into checkpoints and run directories; with overrides, the
    /// document after them (ConfigRendering.swift).
    public let text: String
    /// The `--set` values applied to the file, in order.
    public let overrides: [ConfigOverride]
    /// Names the run directory; defaults to the file's base name without extension.
    public let name: String
    public let seed: UInt64
    /// nil for configs without data (`dlt summary` and `dlt bench` need none).
    public let data: DataConfig?
    /// Per-sample shape: C, H, W for images; [features] for vectors; [length] for token ids.
    public let input: [Int]
    public let layers: [LayerSpec]
    public let loss: LossSpec
    public let optimizer: OptimizerSpec
    public let schedule: ScheduleSpec
    public let train: TrainSpec
    /// Reported besides the loss; default [accuracy].
    public let metrics: [String]

    let locations: [String: SourceLocation]
    let documentOverrides: DocumentOverrides
    static let topLevelSection = "the config"

    public static let topLevelKeys = ["name", "seed", "data", "model", "loss", "optimizer", "schedule", "train", "metrics"]
    public static let metricNames = ["accuracy", "precision", "recall", "f1", "auc"]

    /// Position of a value by its dotted path: "train.batch_size", "model.layers.2",
    /// "data.train.images", "model.input.0". nil when the config does not hold that key.
    public func location(ofKeyPath path: String) -> SourceLocation? { locations[path] }

    public func layer(named name: String) -> LayerSpec? { layers.first { $0.name == name } }

    /// Reads and checks a config file against the layer types of `layerTypes`; an unreadable or
    /// non-UTF-8 file is a `ConfigError` too.
    public static func load(path: String, layerTypes: LayerSchemaTable, overrides: [ConfigOverride] = []) throws -> ModelConfig {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "does not exist"
            throw ConfigError(file: path, location: nil, message: "the config file \(reason)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, location: firstInvalidUTF8(in: Array(data)),
                              message: "the file is not UTF-8 text (binary data?); a config is a YAML text file")
        }
        return try parse(text: text, file: path, layerTypes: layerTypes, overrides: overrides)
    }

    /// Checks config text, with `overrides` applied to the document first; an error at an
    /// overridden value names its flag (`--set optimizer.lr=abc: ...`) instead of a line.
    public static func parse(text: String, file: String, layerTypes: LayerSchemaTable,
                             overrides: [ConfigOverride] = []) throws -> ModelConfig {
        var documentOverrides = DocumentOverrides()
        var root = try YAMLDocument.compose(text: text, file: file)
        root = try documentOverrides.apply(overrides, to: root, text: text)
        let checkedText = overrides.isEmpty ? text : try ConfigRendering.render(root, file: file, overrides: overrides)
        do {
            return try check(root, text: checkedText, file: file, layerTypes: layerTypes,
                             overrides: overrides, documentOverrides: documentOverrides)
        } catch let error as ConfigError {
            throw documentOverrides.restated(error, file: file)
        }
    }

    /// An error at a value that came from an override, restated with the override as its place;
    /// later stages (graph building, data loading) pass their errors through this too.
    public func restated(_ error: Error) -> Error {
        guard let configError = error as? ConfigError else { return error }
        return documentOverrides.restated(configError, file: file)
    }

    private static func check(_ root: Node, text: String, file: String, layerTypes: LayerSchemaTable,
                              overrides: [ConfigOverride], documentOverrides: DocumentOverrides) throws -> ModelConfig {
        let reader = ValueReader(file: file)
        try checkFiniteNumbers(root, reader: reader)
        let top = try MappingReader(root, section: topLevelSection, reader: reader)
        guard case .mapping = root else { throw reader.error(root, "the config must be a mapping of keys (model, data, …)") }
        try top.checkKeys(allowed: topLevelKeys)
        let rootLocation = top.location ?? SourceLocation(line: 1, column: 1)

        let baseName = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        let name = try top.string("name") ?? baseName
        if name.contains("/") || name == "." || name == ".." {
            throw reader.error(top.node("name"), "name '\(name)' names the run directory; it must not contain '/' or be '.' or '..'")
        }
        let seedValue = try top.int("seed", atLeast: 0) ?? 42

        let modelNode = try top.required("model", "a mapping with 'input' and 'layers'")
        let model = try MappingReader(modelNode, section: "model", reader: reader)
        try model.checkKeys(allowed: ["input", "layers"])
        let inputNode = try model.required("input", "the per-sample shape, e.g. [1, 28, 28]")
        let inputItems = try reader.sequenceOrScalar(inputNode, "model: input")
        guard !inputItems.isEmpty else { throw reader.error(inputNode, "model: input is empty; give the per-sample shape, e.g. [1, 28, 28]") }
        let input = try inputItems.map { try reader.int($0, "model: input sizes", atLeast: 1) }
        let layers = try LayerListParser(reader: reader, table: layerTypes).parse(try model.required("layers", "a list of layers"))

        let data = try top.value("data").map { try DataConfigParser(reader: reader, input: input).parse($0) }
        let loss = try top.value("loss").map {
            LossSpec(name: try reader.choice($0, "loss", kind: "loss"), location: YAMLDocument.location(of: $0)!)
        } ?? LossSpec(name: .crossEntropy, location: rootLocation)
        let optimizer = try top.value("optimizer").map { try OptimizerParser(reader: reader).parse($0) }
            ?? .defaults(at: rootLocation)
        let schedule = try top.value("schedule").map { try ScheduleParser(reader: reader).parse($0) }
            ?? .constant(at: rootLocation)
        let metrics = try top.value("metrics").map { try readMetrics($0, reader: reader) } ?? ["accuracy"]
        let monitors = (["loss"] + metrics).flatMap { ["val_\($0)", "train_\($0)"] }
        let train = try TrainParser(reader: reader, layerNames: layers.map(\.name), monitors: monitors)
            .parse(try top.value("train"), defaultLocation: rootLocation)

        var locations: [String: SourceLocation] = [:]
        collectLocations(root, path: "", into: &locations)
        return ModelConfig(file: file, text: text, overrides: overrides, name: name, seed: UInt64(seedValue), data: data, input: input,
                           layers: layers, loss: loss, optimizer: optimizer, schedule: schedule, train: train,
                           metrics: metrics, locations: locations, documentOverrides: documentOverrides)
    }

    private static func readMetrics(_ node: Node, reader: ValueReader) throws -> [String] {
        var seen: Set<String> = []
        return try reader.sequenceOrScalar(node, "metrics").map { item in
            let metric = try reader.choice(item, "metrics entries", metricNames, kind: "metric")
            guard seen.insert(metric).inserted else { throw reader.error(item, "metrics: '\(metric)' is listed twice") }
            return metric
        }
    }

    /// `.nan` and `.inf` are valid YAML floats but never a sensible setting, wherever they appear.
    private static func checkFiniteNumbers(_ node: Node, reader: ValueReader) throws {
        switch node {
        case .scalar(let scalar):
            if node.resolvedTagName == .float, let value = node.float, !value.isFinite {
                throw reader.error(node, "'\(scalar.string)' is not a finite number; configs take finite numbers only")
            }
        case .mapping(let mapping):
            for (key, value) in mapping {
                try checkFiniteNumbers(key, reader: reader)
                try checkFiniteNumbers(value, reader: reader)
            }
        case .sequence(let sequence):
            for item in sequence { try checkFiniteNumbers(item, reader: reader) }
        case .alias:
            break
        }
    }

    private static func collectLocations(_ node: Node, path: String, into locations: inout [String: SourceLocation]) {
        if !path.isEmpty, let location = YAMLDocument.location(of: node) { locations[path] = location }
        let prefix = path.isEmpty ? "" : path + "."
        switch node {
        case .mapping(let mapping):
            for (key, value) in mapping {
                if let name = key.scalar?.string { collectLocations(value, path: prefix + name, into: &locations) }
            }
        case .sequence(let sequence):
            for (index, item) in sequence.enumerated() { collectLocations(item, path: prefix + String(index), into: &locations) }
        default:
            break
        }
    }

    /// Where decoding fails: line and column (in characters) of the first byte that is not UTF-8.
    private static func firstInvalidUTF8(in bytes: [UInt8]) -> SourceLocation? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var line = 1, column = 1
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
            case .emptyInput: return nil
            case .error: return SourceLocation(line: line, column: column)
            }
        }
    }
}
