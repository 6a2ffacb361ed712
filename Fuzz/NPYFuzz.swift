// libFuzzer target: NPYReader.parse(data:name:) (magic, header dictionary, dtype, shape, payload size).
// Built by scripts/fuzz.sh with swiftc -sanitize=fuzzer,address, compiled together with the
// sources of DLTData into one module (so there is no `import DLTData` here). Any input must be either
// parsed or refused with a thrown error; a crash, trap or sanitizer report is a bug.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = try? NPYReader.parse(data: Array(UnsafeBufferPointer(start: data, count: size)), name: "fuzz.npy")
    return 0
}
