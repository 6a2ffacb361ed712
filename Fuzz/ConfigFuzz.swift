// libFuzzer target: ModelConfig.parse(text:file:layerTypes:) on arbitrary bytes decoded as UTF-8 (invalid bytes repaired).
// Built by scripts/fuzz.sh with swiftc -sanitize=fuzzer,address, compiled together with the
// sources of DLTConfig into one module (so there is no `import DLTConfig` here). Any input must be either
// parsed or refused with a thrown error; a crash, trap or sanitizer report is a bug.
//
// DLTConfig knows no layer type; dlt's registry lives in DLTTrain, which needs the whole engine.
// The table below stands in for it with dlt's own type names and every kind of key, defaults
// of every sort (required, a value, another key's) and a cross-key check, so that every path of
// the layer parser is reachable.

let fuzzLayerTypes = LayerSchemaTable([
    LayerSchema(type: "dense", keys: [
        LayerKey("units", .positiveInt),
        LayerKey("activation", .activation, .value(.string("linear"))),
        LayerKey("use_bias", .bool, .value(.bool(true))),
        LayerKey("init", .initializer, .value(.string("glorot_uniform"))),
    ]),
    LayerSchema(type: "conv2d", keys: [
        LayerKey("filters", .positiveInt),
        LayerKey("kernel", .intPair(atLeast: 1)),
        LayerKey("stride", .intPair(atLeast: 1), .value(.int(1))),
        LayerKey("padding", .padding, .value(.string("valid"))),
        LayerKey("output_padding", .intPair(atLeast: 0), .value(.int(0))),
    ], crossCheck: { values in
        guard let padding = values["output_padding"]?.intPair, let stride = values["stride"]?.intPair,
              padding.0 >= stride.0 else { return nil }
        return ("output_padding", "output_padding must be smaller than stride")
    }),
    LayerSchema(type: "maxpool2d", keys: [
        LayerKey("size", .intPair(atLeast: 1), .value(.int(2))),
        LayerKey("stride", .intPair(atLeast: 1), .sameAs("size")),
    ]),
    LayerSchema(type: "reshape", keys: [LayerKey("shape", .shape)]),
    LayerSchema(type: "dropout", keys: [LayerKey("rate", .number(allowed: "in [0, 1)", check: { $0 >= 0 && $0 < 1 }), .value(.double(0.5)))]),
    LayerSchema(type: "flatten"),
    LayerSchema(type: "add", arity: .merge),
    LayerSchema(type: "concat", keys: [LayerKey("axis", .axis, .value(.int(1)))], arity: .merge),
])

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? ModelConfig.parse(text: text, file: "fuzz.yaml", layerTypes: fuzzLayerTypes)
    return 0
}
