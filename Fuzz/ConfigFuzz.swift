// libFuzzer target: ModelConfig.parse(text:file:) on arbitrary bytes decoded as UTF-8 (invalid bytes repaired).
// Built by scripts/fuzz.sh with swiftc -sanitize=fuzzer,address, compiled together with the
// sources of DLTConfig into one module (so there is no `import DLTConfig` here). Any input must be either
// parsed or refused with a thrown error; a crash, trap or sanitizer report is a bug.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? ModelConfig.parse(text: text, file: "fuzz.yaml")
    return 0
}
