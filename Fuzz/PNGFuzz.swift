// libFuzzer target: ImageReader.parse(data:name:channels:) for PNG (libpng) and PGM, with and without conversion.
// Built by scripts/fuzz.sh with swiftc -sanitize=fuzzer,address, compiled together with the
// sources of DLTData into one module (so there is no `import DLTData` here). Any input must be either
// parsed or refused with a thrown error; a crash, trap or sanitizer report is a bug.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? ImageReader.parse(data: bytes, name: "fuzz.png")
    _ = try? ImageReader.parse(data: bytes, name: "fuzz.png", channels: 1)
    _ = try? ImageReader.parse(data: bytes, name: "fuzz.png", channels: 3)
    return 0
}
