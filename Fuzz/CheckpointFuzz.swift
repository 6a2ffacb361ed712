// libFuzzer target: SafeTensors.parse(bytes:name:), the checkpoint reader (header JSON, offsets, checksum).
// Built by scripts/fuzz.sh with swiftc -sanitize=fuzzer,address, compiled together with the
// sources of DLTFormats into one module (so there is no `import DLTFormats` here). Any input must be either
// parsed or refused with a thrown error; a crash, trap or sanitizer report is a bug.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = try? SafeTensors.parse(bytes: Array(UnsafeBufferPointer(start: data, count: size)), name: "fuzz.safetensors")
    return 0
}
