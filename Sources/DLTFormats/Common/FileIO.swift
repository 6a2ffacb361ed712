#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// POSIX file access with errors that name the file and the reason (`strerror`).
enum FileIO {
    static func reason(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

    /// Writing past `ulimit -f` raises SIGXFSZ, whose default action kills the process. Ignoring
    /// it makes write(2) fail with EFBIG instead, which we can report and clean up after.
    private static let ignoreFileSizeSignal: Void = { _ = signal(SIGXFSZ, SIG_IGN) }()

    /// The whole file at `path`.
    static func readAll(path: String) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FormatError(file: path, message: "cannot open: \(reason())", kind: .io) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw FormatError(file: path, message: "cannot stat: \(reason())", kind: .io) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw FormatError(file: path, message: "not a regular file", kind: .io) }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var filled = 0
        while filled < bytes.count {
            let got = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { throw FormatError(file: path, message: "cannot read: \(reason())", kind: .io) }
            if got == 0 { bytes.removeLast(bytes.count - filled); break }  // the file shrank meanwhile
            filled += got
        }
        return bytes
    }

    /// Writes `bytes` to `<path>.tmp-<pid>`, fsyncs it, renames it over `path` and fsyncs the
    /// directory, so that after a crash `path` holds either the old or the new contents in full.
    /// On failure the temporary file is removed and `path` is untouched.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        _ = ignoreFileSizeSignal
        let temporary = "\(path).tmp-\(getpid())"
        func fail(_ what: String, _ code: Int32) -> FormatError {
            FormatError(file: path, message: "\(what): \(reason(code)); the previous file, if any, is unchanged", kind: .io)
        }
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw fail("cannot create \(temporary)", errno) }
        var failure: FormatError?
        var written = 0
        bytes.withUnsafeBytes { raw in
            while written < raw.count {
                let count = write(descriptor, raw.baseAddress! + written, raw.count - written)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { failure = fail("cannot write", count < 0 ? errno : ENOSPC); return }
                written += count
            }
        }
        if failure == nil && fsync(descriptor) != 0 { failure = fail("cannot flush to disk", errno) }
        if close(descriptor) != 0 && failure == nil { failure = fail("cannot close", errno) }
        if failure == nil && rename(temporary, path) != 0 { failure = fail("cannot rename \(temporary) over it", errno) }
        if let failure {
            unlink(temporary)
            throw failure
        }
        syncDirectory(of: path)
    }

    /// fsync of the containing directory makes the rename itself durable. Failure here is not
    /// reported: the data is already safe in the file, and some filesystems refuse directory fsync.
    private static func syncDirectory(of path: String) {
        let directory: String
        if let slash = path.lastIndex(of: "/") {
            directory = slash == path.startIndex ? "/" : String(path[..<slash])
        } else {
            directory = "."
        }
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    /// close(2), reachable from types that have a `close()` method of their own.
    static func closeDescriptor(_ descriptor: Int32) -> Int32 { close(descriptor) }

    /// `mkdir -p`: creates `path` and any missing parents.
    static func makeDirectories(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component + "/"
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw FormatError(file: path, message: "cannot create directory: \(reason())", kind: .io)
            }
        }
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw FormatError(file: path, message: "exists and is not a directory", kind: .io)
        }
    }
}
