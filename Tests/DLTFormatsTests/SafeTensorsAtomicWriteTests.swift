#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import DLTFormats

// Tests run as root, for whom chmod does not stop writes, so failures are provoked by paths
// that cannot be written (a missing directory, a directory in the way) and by a file-size
// limit (ulimit -f) set in a forked child.

@Test func writeIntoAMissingDirectoryThrowsAndLeavesNothing() throws {
    let directory = try ScratchDirectory()
    let path = directory.file("missing/last.safetensors")
    let error = #expect(throws: FormatError.self) { try SafeTensors.write(sampleFile(), to: path) }
    #expect(error?.file == path)
    #expect(error?.kind == .io)
    #expect(error?.message.contains("No such file or directory") == true)
    #expect(try directory.contents().isEmpty)
}

@Test func writeOverADirectoryThrowsRemovesTheTemporaryFileAndKeepsTheDirectory() throws {
    let directory = try ScratchDirectory()
    let path = directory.file("last.safetensors")
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    let error = #expect(throws: FormatError.self) { try SafeTensors.write(sampleFile(), to: path) }
    #expect(error?.message.contains("cannot rename") == true)
    #expect(try directory.contents() == ["last.safetensors"])
}

/// The child lowers RLIMIT_FSIZE below the new file's size, so write(2) fails with EFBIG
/// (SIGXFSZ is ignored by the writer); the old checkpoint must survive whole and no temporary
/// file may be left. Exit status 0 = the write threw, as it should; 1 = it did not throw.
@Test func fileSizeLimitFailureKeepsTheOldFileIntact() throws {
    let directory = try ScratchDirectory()
    let path = directory.file("last.safetensors")
    let old = sampleFile()
    try SafeTensors.write(old, to: path)
    let large = SafeTensorsFile(tensors: [NamedTensor(name: "big", shape: [64, 1024], values: [Float](repeating: 1.5, count: 64 * 1024))])
    let messagePath = directory.file("message.txt")

    let child = fork()
    try #require(child >= 0)
    if child == 0 {
        var limit = rlimit(rlim_cur: 16 * 1024, rlim_max: rlim_t.max)  // RLIM_INFINITY
        _ = setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &limit)
        do {
            try SafeTensors.write(large, to: path)
            _exit(1)
        } catch {
            // Record the message for the parent; it is well under the size limit.
            let text = "\(error)"
            let descriptor = open(messagePath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            _ = text.withCString { write(descriptor, $0, strlen($0)) }
            close(descriptor)
            _exit(0)
        }
    }
    var status: Int32 = 0
    _ = waitpid(child, &status, 0)
    let exitedNormally = (status & 0x7F) == 0
    #expect(exitedNormally, "child was killed by signal \(status & 0x7F)")
    #expect((status >> 8) & 0xFF == 0, "write did not throw under the file-size limit")
    let message = try String(contentsOfFile: messagePath, encoding: .utf8)
    #expect(message.contains("cannot write: File too large"))
    #expect(message.contains("previous file, if any, is unchanged"))
    #expect(try SafeTensors.read(path: path) == SafeTensors.parse(bytes: SafeTensors.encode(old), name: path))
    #expect(try directory.contents() == ["last.safetensors", "message.txt"])
}
