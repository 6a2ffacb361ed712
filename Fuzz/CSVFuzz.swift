// libFuzzer target: CSVReader.parseNumeric and parseText (quotes, ragged rows, numbers, labels).
// Built by scripts/fuzz.sh with swiftc -sanitize=fuzzer,address, compiled together with the
// sources of DLTData into one module (so there is no `import DLTData` here). Any input must be either
// parsed or refused with a thrown error; a crash, trap or sanitizer report is a bug.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? CSVReader.parseNumeric(data: bytes, name: "fuzz.csv")
    _ = try? CSVReader.parseText(data: bytes, name: "fuzz.csv",
                                 options: CSVReader.TextOptions(text: .index(0), label: .last, vocab: 50, length: 8))
    return 0
}
