/// One checked entry of `model.layers`: its type, name, inputs and options with defaults applied.
/// Keys and value types are already checked; the graph builder checks shapes.
public struct LayerSpec {
    /// e.g. "conv2d"; one of `LayerSpec.types`.
    public let type: String
    /// Given with `name:`, else "<type>_<index>" (index = 0-based position in `layers`).
    public let name: String
    /// nil: reads the previous layer (the model input for the first layer). Names are earlier
    /// layers, or `"input"` for the model input.
    public let inputs: [String]?
    /// Where the layer's entry starts (its type key).
    public let location: SourceLocation
    /// Options after defaults (`stride` of a pool is its `size` unless given).
    public let values: [String: ConfigValue]
    /// Keys the user wrote, as opposed to defaults.
    public let givenKeys: Set<String>
    /// `init:` name as written (glorot_uniform by default for dense / conv layers, nil for others).
    public let initName: String?
    /// `init: {name: normal, std: …}`; 0.05 (Keras' RandomNormal) when the name is normal and no std is given.
    public let initStd: Double?
    /// `init: {name: constant, value: …}`; 0 when the name is constant and no value is given.
    public let initValue: Double?

    let locations: [String: SourceLocation]
    /// Position of each `inputs` entry, for forward-reference errors.
    let inputLocations: [SourceLocation]

    /// Layer types in the order of docs/config.md's layer table.
    public static let types = LayerCatalog.types
    /// Activation names for `activation:` on dense / conv layers.
    public static let activations = LayerCatalog.activations
    /// Initializer names for `init:`.
    public static let initializers = LayerCatalog.initializers
    /// The name that `inputs:` uses for the model input; no layer may take it.
    public static let modelInputName = "input"

    public func value(_ key: String) -> ConfigValue? { values[key] }

    public func int(_ key: String) -> Int? {
        if case .int(let value)? = values[key] { return value }
        return nil
    }

    /// Whole numbers read as doubles too (`momentum: 0` is 0.0).
    public func double(_ key: String) -> Double? {
        switch values[key] {
        case .double(let value)?: return value
        case .int(let value)?: return Double(value)
        default: return nil
        }
    }

    public func string(_ key: String) -> String? {
        if case .string(let value)? = values[key] { return value }
        return nil
    }

    public func bool(_ key: String) -> Bool? {
        if case .bool(let value)? = values[key] { return value }
        return nil
    }

    /// `3` → (3, 3); `[3, 5]` → (3, 5) as (height, width). nil for `padding: same`.
    public func intPair(_ key: String) -> (Int, Int)? {
        switch values[key] {
        case .int(let value)?: return (value, value)
        case .list(let items)? where items.count == 2:
            if case .int(let a) = items[0], case .int(let b) = items[1] { return (a, b) }
            return nil
        default: return nil
        }
    }

    /// `[64, 7, 7]` → [64, 7, 7]; a single number → [n].
    public func intList(_ key: String) -> [Int]? {
        switch values[key] {
        case .int(let value)?: return [value]
        case .list(let items)?:
            let ints = items.compactMap { item -> Int? in
                if case .int(let value) = item { return value }
                return nil
            }
            return ints.count == items.count ? ints : nil
        default: return nil
        }
    }

    /// `concat`'s axis as a per-sample axis (DLTNN's Concat): the config counts axes of the
    /// batched NCHW tensor like `torch.cat(dim=)`, so a positive axis loses 1 for the batch
    /// (default 1 → 0, channels / features); negative axes count from the end either way.
    public func sampleAxis(_ key: String = "axis") -> Int? {
        guard let axis = int(key) else { return nil }
        return axis > 0 ? axis - 1 : axis
    }

    /// Position of that key's value (`inputs`, `name` and options), or the layer's own.
    public func location(of key: String) -> SourceLocation {
        locations[key] ?? location
    }
}
