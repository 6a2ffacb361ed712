#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SwiftProtobuf

/// Writes a TensorBoard event file, `DIRECTORY/events.out.tfevents.<unix-time>.<hostname>`.
///
/// Each record is TensorFlow's TFRecord framing around one serialized `Event`:
///
///     uint64 length (LE) | uint32 masked CRC-32C of the length bytes | data | uint32 masked CRC-32C of data
///
/// The first record is `Event{wall_time, file_version: "brain.Event:2"}`. Records are buffered in
/// memory and appended to the file by `flush()` (and `close()`); TensorBoard picks up each flush.
///
/// Logging is best-effort by design: a full disk must not stop training, so the logging calls do
/// not throw. The first I/O failure is kept in `writeError` for the caller to report, and later
/// records are dropped.
public final class EventWriter {
    /// The event file being written.
    public let path: String
    /// The first write failure, if any; once set, the writer stops writing.
    public private(set) var writeError: FormatError?

    private var descriptor: Int32
    private var pending: [UInt8] = []

    /// Creates `directory` (and parents) if needed and starts a new event file in it. If a file of
    /// the same name exists (two writers in one second), `.1`, `.2`, ... is appended to the name.
    public init(directory: String) throws {
        try FileIO.makeDirectories(directory)
        let wallTime = Self.now()
        var host = [CChar](repeating: 0, count: 256)
        let hostname = gethostname(&host, host.count - 1) == 0 ? String(cString: host) : "localhost"
        let base = "\(directory)/events.out.tfevents.\(Int(wallTime)).\(hostname)"
        var candidate = base
        var suffix = 0
        while true {
            let opened = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o644)
            if opened >= 0 { descriptor = opened; break }
            guard errno == EEXIST else {
                throw FormatError(file: candidate, message: "cannot create event file: \(FileIO.reason())", kind: .io)
            }
            suffix += 1
            candidate = "\(base).\(suffix)"
        }
        path = candidate
        var first = Tensorboard_Event()
        first.wallTime = wallTime
        first.fileVersion = "brain.Event:2"
        append(first)
        flush()
        if let writeError { throw writeError }
    }

    deinit { close() }

    /// Logs one scalar (shown under SCALARS in TensorBoard).
    public func scalar(tag: String, value: Float, step: Int64) {
        var entry = Tensorboard_Summary.Value()
        entry.tag = tag
        entry.simpleValue = value
        appendSummary(entry, step: step)
    }

    /// Logs the distribution of `values` (shown under HISTOGRAMS and DISTRIBUTIONS).
    public func histogram(tag: String, values: [Float], step: Int64) {
        var entry = Tensorboard_Summary.Value()
        entry.tag = tag
        entry.histo = HistogramSummary.proto(values)
        appendSummary(entry, step: step)
    }

    /// Appends the buffered records to the file.
    public func flush() {
        guard descriptor >= 0, writeError == nil, !pending.isEmpty else { pending.removeAll(); return }
        let failure: Int32? = pending.withUnsafeBytes { raw in
            var written = 0
            while written < raw.count {
                let count = write(descriptor, raw.baseAddress! + written, raw.count - written)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return count < 0 ? errno : ENOSPC }
                written += count
            }
            return nil
        }
        pending.removeAll(keepingCapacity: true)
        if let failure {
            writeError = FormatError(file: path, message: "cannot write TensorBoard events: \(FileIO.reason(failure))", kind: .io)
        }
    }

    /// Flushes and closes the file; later logging calls are ignored.
    public func close() {
        guard descriptor >= 0 else { return }
        flush()
        if FileIO.closeDescriptor(descriptor) != 0 && writeError == nil {
            writeError = FormatError(file: path, message: "cannot close: \(FileIO.reason())", kind: .io)
        }
        descriptor = -1
    }

    private func appendSummary(_ value: Tensorboard_Summary.Value, step: Int64) {
        guard descriptor >= 0 else { return }
        var event = Tensorboard_Event()
        event.wallTime = Self.now()
        event.step = step
        event.summary.value = [value]
        append(event)
    }

    /// Frames one event as a TFRecord and buffers it.
    private func append(_ event: Tensorboard_Event) {
        // Serializing a message with only set, valid fields cannot fail; keep the writer
        // best-effort anyway rather than trapping.
        guard let data: [UInt8] = try? event.serializedBytes() else { return }
        var length = UInt64(data.count).littleEndian
        let lengthBytes = withUnsafeBytes(of: &length) { Array($0) }
        pending.append(contentsOf: lengthBytes)
        appendUInt32(CRC32C.masked(CRC32C.checksum(lengthBytes)))
        pending.append(contentsOf: data)
        appendUInt32(CRC32C.masked(CRC32C.checksum(data)))
    }

    private func appendUInt32(_ value: UInt32) {
        var little = value.littleEndian
        withUnsafeBytes(of: &little) { pending.append(contentsOf: $0) }
    }

    /// Seconds since the Unix epoch, with microseconds.
    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
