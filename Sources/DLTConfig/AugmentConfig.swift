import Yams

/// `data.augment:` — image transforms applied, in the list's order, to training batches only.
/// Each transform's keys, defaults and ranges are in `AugmentParser.transform`; its kernel is
/// DLTData's `ImageTransform` case of the same name (Sources/DLTData/Augmentation/).
public struct AugmentStep: Equatable, Sendable {
    public enum Name: String, ConfigName {
        case randomCrop = "random_crop", flip, rotate, zoom, translate, brightness, contrast, cutout
    }

    public enum Transform: Equatable, Sendable {
        /// Zero-pad each side by `padding` pixels, crop back to the size at a uniform offset.
        case randomCrop(padding: Int)
        /// Each enabled axis flips with probability 0.5 (Keras RandomFlip).
        case flip(horizontal: Bool, vertical: Bool)
        /// Uniform angle in [-degrees, degrees], counter-clockwise positive, bilinear, zero fill.
        case rotate(degrees: Double)
        /// Uniform scale in [low, high] about the centre (> 1 enlarges), bilinear, zero fill.
        case zoom(low: Double, high: Double)
        /// Whole-pixel shift, uniform in [-fraction, fraction] of each side, zero fill.
        case translate(fraction: Double)
        /// Adds uniform [-delta, delta] of the pixel range (255 for bytes, 1 for floats).
        case brightness(delta: Double)
        /// (x - channel mean) * factor + channel mean, factor uniform in [low, high].
        case contrast(low: Double, high: Double)
        /// Zeroes a size x size square at a uniform centre (clipped at the borders).
        case cutout(size: Int)
    }

    public let transform: Transform
    public let location: SourceLocation
}

/// Reads `data.augment`, checking each transform against the model input (`[C, H, W]` only).
struct AugmentParser {
    let reader: ValueReader
    let input: [Int]
    /// Why this data cannot be augmented (text), or nil.
    let refusal: String?

    func parse(_ node: Node) throws -> [AugmentStep] {
        let items = try reader.sequence(node, "data: augment")
        if let refusal { throw reader.error(node, "data.augment: \(refusal)") }
        guard input.count == 3 else {
            throw reader.error(node, "data.augment transforms images, but model.input \(input) is not [C, H, W]; remove augment for vector or token inputs")
        }
        return try items.enumerated().map { index, item in
            let (nameNode, optionsNode) = try split(item, index: index)
            let name: AugmentStep.Name = try reader.choice(nameNode, "data.augment \(index)", kind: "transform")
            let options = try MappingReader(optionsNode ?? Node(""), section: "data.augment \(name.rawValue)", reader: reader)
            return AugmentStep(transform: try transform(name, options),
                               location: YAMLDocument.location(of: nameNode) ?? SourceLocation(line: 1, column: 1))
        }
    }

    /// `- flip` or `- flip: {horizontal: true}`: the name and its options.
    private func split(_ node: Node, index: Int) throws -> (Node, Node?) {
        switch node {
        case .scalar where !reader.isNull(node):
            return (node, nil)
        case .mapping(let mapping) where mapping.count == 1:
            return (mapping.first!.key, mapping.first!.value)
        default:
            throw reader.error(node, "data.augment \(index) must be one transform with its options, e.g. '- random_crop: {padding: 4}', got \(ValueReader.describe(node))")
        }
    }

    /// Each transform's keys, defaults and ranges.
    private func transform(_ name: AugmentStep.Name, _ options: MappingReader) throws -> AugmentStep.Transform {
        let side = min(input[1], input[2])
        let size = "\(input[1])x\(input[2])"
        switch name {
        case .randomCrop:
            try options.checkKeys(allowed: ["padding"])
            let padding = try options.int("padding", atLeast: 0) ?? 4
            guard padding < side else { throw reader.error(options.node("padding"), "\(options.what("padding")) must be smaller than the \(size) image, got \(padding)") }
            return .randomCrop(padding: padding)
        case .flip:
            try options.checkKeys(allowed: ["horizontal", "vertical"])
            let horizontal = try options.bool("horizontal") ?? true, vertical = try options.bool("vertical") ?? false
            guard horizontal || vertical else { throw reader.error(options.node("horizontal"), "data.augment flip: enable horizontal or vertical (both are false)") }
            return .flip(horizontal: horizontal, vertical: vertical)
        case .rotate:
            try options.checkKeys(allowed: ["degrees"])
            return .rotate(degrees: try options.double("degrees", "in [0, 180]", { $0 >= 0 && $0 <= 180 }) ?? 10)
        case .zoom:
            try options.checkKeys(allowed: ["range"])
            let (low, high) = try range(options, default: (0.9, 1.1), allowed: "> 0", { $0 > 0 })
            return .zoom(low: low, high: high)
        case .translate:
            try options.checkKeys(allowed: ["fraction"])
            return .translate(fraction: try options.double("fraction", "in [0, 1)", { $0 >= 0 && $0 < 1 }) ?? 0.1)
        case .brightness:
            try options.checkKeys(allowed: ["delta"])
            return .brightness(delta: try options.double("delta", "in [0, 1]", { $0 >= 0 && $0 <= 1 }) ?? 0.2)
        case .contrast:
            try options.checkKeys(allowed: ["range"])
            let (low, high) = try range(options, default: (0.8, 1.2), allowed: "≥ 0", { $0 >= 0 })
            return .contrast(low: low, high: high)
        case .cutout:
            try options.checkKeys(allowed: ["size"])
            let cut = try options.int("size", atLeast: 1) ?? 8
            guard cut <= side else { throw reader.error(options.node("size"), "\(options.what("size")) must not be larger than the \(size) image, got \(cut)") }
            return .cutout(size: cut)
        }
    }

    /// `range: [low, high]`, both allowed and low ≤ high.
    private func range(_ options: MappingReader, default fallback: (Double, Double), allowed: String,
                       _ isAllowed: @escaping (Double) -> Bool) throws -> (Double, Double) {
        guard let node = try options.value("range") else { return fallback }
        let items = try reader.sequence(node, options.what("range"))
        guard items.count == 2 else { throw reader.error(node, "\(options.what("range")) must be [low, high], got a list of \(items.count)") }
        let low = try reader.double(items[0], options.what("range"), allowed, isAllowed)
        let high = try reader.double(items[1], options.what("range"), allowed, isAllowed)
        guard low <= high else { throw reader.error(node, "\(options.what("range")) must have low ≤ high, got [\(low), \(high)]") }
        return (low, high)
    }
}
