/// An error reading or writing one of dlt's file formats: the file it concerns and one line
/// saying what is wrong. `description` is `"<file>: <message>"`, ready for `dlt: error: ...`.
public struct FormatError: Error, CustomStringConvertible, Equatable {
    /// The path (or the name given to `parse`) of the file concerned.
    public let file: String
    /// One line, no trailing period, e.g. `checksum mismatch: the file is corrupt`.
    public let message: String

    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }

    public var description: String { "\(file): \(message)" }
}
