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

    @Test func severalRunsShareOneChartWithALegendByRunNameOrOverrides() async throws {
        try await withTemporaryDirectory { dir in
            let sweep = dir.appendingPathComponent("sweep")
            let made = await runDLT(["sweep", "configs/xor.yaml", "--grid", "optimizer.lr=0.5,4.0", "--epochs", "5",
                                     "--threads", "1", "--out", sweep.path])
            #expect(made.code == 0, "\(made.transcript)")
            let svg = dir.appendingPathComponent("compare.svg")
            let trials = ["trial-001", "trial-002"].map { sweep.appendingPathComponent($0).path }
            let result = await runDLT(["plot"] + trials + ["-o", svg.path])
            #expect(result.code == 0, "\(result.transcript)")
            let text = try String(contentsOf: svg, encoding: .utf8)
            #expect(text.contains("trial-001: optimizer.lr=0.5") && text.contains("trial-002: optimizer.lr=4.0"))
            #expect(text.components(separatedBy: "<polyline").count - 1 == 4, "train loss and accuracy per run (xor has no validation)")
            // A sweep directory stands for its runs; PNG grows a legend line per run.
            let png = dir.appendingPathComponent("compare.png")
            let fromDirectory = await runDLT(["plot", sweep.path, "-o", png.path])
            #expect(fromDirectory.code == 0, "\(fromDirectory.transcript)")
            let bytes = try Data(contentsOf: png)
            let height = bytes[20..<24].reduce(0) { $0 << 8 | Int($1) }
            #expect(height == 400 + 36 + 2 * 20)
        }
    }
}
