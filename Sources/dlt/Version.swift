import DLTCore

/// dlt's version: the one place it is written.
enum DLTVersion {
    static let number = "0.3.0"

    /// What `dlt --version` prints: the version, then the BLAS library in use.
    static var description: String {
        "dlt \(number)\nBLAS: \(Gemm.libraryConfiguration)"
    }
}
