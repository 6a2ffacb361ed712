import Foundation
import Testing

/// `dlt plot`: training curves of a run directory as PNG or SVG.
@Suite struct PlotCommandTests {
    @Test func writesPNG() async throws {
        let run = try await SharedRuns.mnistRun.get()
        try await withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("curves.png")
            let result = await runDLT(["plot", run.path, "-o", out.path])
            #expect(result.code == 0, "\(result.transcript)")
            let bytes = try Data(contentsOf: out)
            #expect(bytes.prefix(8) == Data([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
            #expect(bytes.count > 100)
        }
    }

    @Test func writesSVG() async throws {
        let run = try await SharedRuns.mnistRun.get()
        try await withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("curves.svg")
            let result = await runDLT(["plot", run.path, "-o", out.path])
            #expect(result.code == 0, "\(result.transcript)")
            let text = try String(contentsOf: out, encoding: .utf8)
            #expect(text.hasPrefix("<svg") || text.hasPrefix("<?xml"))
            #expect(text.contains("</svg>"))
            #expect(text.contains("loss"))
        }
    }

    @Test func directoryWithoutMetricsIsAnError() async throws {
        try await withTemporaryDirectory { dir in
            let result = await runDLT(["plot", dir.path, "-o", dir.appendingPathComponent("x.png").path])
            #expect(result.code != 0)
            #expect(result.stderr.hasPrefix("dlt: error: "), "\(result.transcript)")
        }
    }
}
