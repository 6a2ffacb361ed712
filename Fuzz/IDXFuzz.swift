// libFuzzer target: IDXReader.parseImages and parseLabels (plain and gzip-compressed IDX).
// Built by scripts/fuzz.sh with swiftc -sanitize=fuzzer,address, compiled together with the
// sources of DLTData into one module (so there is no `import DLTData` here). Any input must be either
// parsed or refused with a thrown error; a crash, trap or sanitizer report is a bug.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? IDXReader.parseImages(data: bytes, name: "fuzz.idx")
    _ = try? IDXReader.parseLabels(data: bytes, name: "fuzz.idx")
    return 0
}
