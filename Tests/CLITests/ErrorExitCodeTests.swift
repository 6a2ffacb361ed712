import Foundation
import Testing

/// Bad configs and bad usage exit 2 with one stderr line `dlt: error: FILE:LINE:COL: ...`.
@Suite struct ErrorExitCodeTests {
    /// Asserts a single error line and returns it.
    private func singleErrorLine(_ result: DLTResult) -> String {
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(lines.count == 1, "exactly one stderr line: \(result.transcript)")
        let line = lines.first.map(String.init) ?? ""
        #expect(line.hasPrefix("dlt: error: "))
        return line
    }

    @Test func misspelledLayerKeyNamesFileLineAndColumn() async throws {
        try await withTemporaryDirectory { dir in
            let config = dir.appendingPathComponent("bad.yaml")
            try """
            name: bad
            seed: 1
            model:
              input: [2]
              layers:
                - dense: {units: 4, activaton: relu}
            loss: mse
            """.write(to: config, atomically: true, encoding: .utf8)
            for command in [["train", config.path, "--out", dir.appendingPathComponent("run").path], ["summary", config.path]] {
                let result = await runDLT(command)
                #expect(result.code == 2, "\(command[0]): \(result.transcript)")
                let line = singleErrorLine(result)
                #expect(line.hasPrefix("dlt: error: \(config.path):6:"), "names the file and line 6: \(line)")
                #expect(line.contains("activaton"))
            }
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("run/last.safetensors").path),
                    "nothing is trained from a bad config")
        }
    }

    @Test func invalidYAMLSyntaxIsExitTwoWithPlace() async throws {
        try await withTemporaryDirectory { dir in
            let config = dir.appendingPathComponent("broken.yaml")
            try "name: broken\nmodel: {input: [2], layers: [\n".write(to: config, atomically: true, encoding: .utf8)
            let result = await runDLT(["summary", config.path])
            #expect(result.code == 2, "\(result.transcript)")
            let line = singleErrorLine(result)
            #expect(line.hasPrefix("dlt: error: \(config.path):"), "\(line)")
        }
    }

    @Test func missingConfigFileIsExitTwo() async {
        let result = await runDLT(["train", "/nonexistent/config.yaml"])
        #expect(result.code == 2, "\(result.transcript)")
        #expect(singleErrorLine(result).contains("/nonexistent/config.yaml"))
    }

    @Test func unknownOptionIsBadUsage() async {
        let result = await runDLT(["train", "configs/xor.yaml", "--epoch", "3"])
        #expect(result.code == 2, "\(result.transcript)")
        _ = singleErrorLine(result)
    }

    @Test func unknownSubcommandIsBadUsage() async {
        let result = await runDLT(["fly"])
        #expect(result.code == 2, "\(result.transcript)")
        _ = singleErrorLine(result)
    }
}
