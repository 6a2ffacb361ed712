/// An error reading or writing one of dlt's file formats: the file it concerns and one line
/// saying what is wrong. `description` is `"<file>: <message>"`, ready for `dlt: error: ...`.
public struct FormatError: Error, CustomStringConvertible, Equatable {
    /// The path (or the name given to `parse`) of the file concerned.
    public let file: String
    /// One line, no trailing period, e.g. `checksum mismatch: the file is corrupt`.
    public let message: String
    /// Whether the file's contents are wrong or the system refused an operation on it; the CLI
    /// maps these to different exit codes (bad data 2, I/O failure at run time 1).
    public let kind: Kind

    public enum Kind: Equatable {
        /// The bytes are not a valid file of the format (or not one dlt reads).
        case invalidData
        /// open/read/write/rename/mkdir failed: missing file, full disk, file-size limit, ...
        case io
    }

    public init(file: String, message: String, kind: Kind = .invalidData) {
        self.file = file
        self.message = message
        self.kind = kind
    }

    public var description: String { "\(file): \(message)" }
}
