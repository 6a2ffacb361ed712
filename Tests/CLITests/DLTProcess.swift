import Foundation

/// What one `dlt` invocation produced.
struct DLTResult {
    let code: Int32
    let stdout: String
    let stderr: String
    /// Everything, for failure messages.
    var transcript: String { "exit \(code)\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)" }
}

/// Locates the package root and the `dlt` binary that `swift test` built alongside the tests.
enum DLTLocation {
    /// The directory holding Package.swift, found by walking up from this source file.
    static let packageRoot: URL = {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) { return dir }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// `DLT_BINARY` if set; else the `dlt` next to the running test binary (the same scratch path
    /// and configuration, so it matches the sources under test); else `.build/debug/dlt`.
    static let binary: URL = {
        if let explicit = ProcessInfo.processInfo.environment["DLT_BINARY"] { return URL(fileURLWithPath: explicit) }
        var starts: [URL] = [URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()]
        if let executable = Bundle.main.executableURL { starts.append(executable.resolvingSymlinksInPath()) }
        starts += Bundle.allBundles.map { $0.bundleURL }
        for start in starts {
            var dir = start.deletingLastPathComponent()
            for _ in 0..<4 where dir.path != "/" {
                let candidate = dir.appendingPathComponent("dlt")
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                   FileManager.default.isExecutableFile(atPath: candidate.path) {
                    return candidate
                }
                dir = dir.deletingLastPathComponent()
            }
        }
        return packageRoot.appendingPathComponent(".build/debug/dlt")
    }()
}

/// Bounds how many `dlt` processes run at once: tests run in parallel, the machine may have two
/// cores, and each process also loads its data set.
actor ProcessSlots {
    static let shared = ProcessSlots(limit: 3)
    private var free: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { free = limit }

    func acquire() async {
        if free > 0 { free -= 1; return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty { free += 1 } else { waiters.removeFirst().resume() }
    }
}

/// Runs `body` on its own thread and awaits it, so that waiting for a child process never holds
/// one of the few threads of Swift's cooperative pool that the parallel tests share.
func onOwnThread<T>(_ body: @escaping () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread.detachNewThread { continuation.resume(returning: body()) }
    }
}

/// Runs `dlt args...` in `directory` (default: the package root, since configs name their data
/// relative to it) and returns its exit code, stdout and stderr.
func runDLT(_ args: [String], in directory: URL? = nil, timeout: TimeInterval = 120) async -> DLTResult {
    await ProcessSlots.shared.acquire()
    let result = await onOwnThread { runDLTBlocking(args, in: directory, timeout: timeout) }
    await ProcessSlots.shared.release()
    return result
}

/// The blocking part of `runDLT`. Output goes to temporary files, not pipes, so a chatty child can
/// never block on a full pipe. A run longer than `timeout` seconds is terminated and reported
/// with exit code -1.
private func runDLTBlocking(_ args: [String], in directory: URL?, timeout: TimeInterval) -> DLTResult {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("dlt-run-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let outURL = scratch.appendingPathComponent("stdout"), errURL = scratch.appendingPathComponent("stderr")
    FileManager.default.createFile(atPath: outURL.path, contents: nil)
    FileManager.default.createFile(atPath: errURL.path, contents: nil)
    guard let out = try? FileHandle(forWritingTo: outURL), let err = try? FileHandle(forWritingTo: errURL) else {
        return DLTResult(code: -1, stdout: "", stderr: "cannot create output files in \(scratch.path)")
    }
    let process = Process()
    process.executableURL = DLTLocation.binary
    process.arguments = args
    process.currentDirectoryURL = directory ?? DLTLocation.packageRoot
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    let finished = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in finished.signal() }
    do {
        try process.run()
    } catch {
        return DLTResult(code: -1, stdout: "", stderr: "cannot start \(DLTLocation.binary.path): \(error)")
    }
    var timedOut = false
    if finished.wait(timeout: .now() + timeout) == .timedOut {
        timedOut = true
        process.terminate()
        finished.wait()
    }
    try? out.close()
    try? err.close()
    let stdout = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
    var stderr = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
    if timedOut { stderr += "\n[test harness: terminated after \(Int(timeout)) s]" }
    return DLTResult(code: timedOut ? -1 : process.terminationStatus, stdout: stdout, stderr: stderr)
}

/// Runs `body` with a fresh temporary directory and removes the directory afterwards.
func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async rethrows -> T {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dlt-cli-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    return try await body(dir)
}

/// Parses stdout as one JSON object.
func jsonObject(_ text: String) -> [String: Any]? {
    guard let data = text.data(using: .utf8) else { return nil }
    return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
}
