import DLTData
import Foundation

/// `dlt plot`: loss and accuracy per epoch from runs' metrics.jsonl, as SVG or PNG, for people
/// who don't run TensorBoard. Two panels side by side; train solid, validation dashed. One run
/// is drawn in two colours (train, validation) labelled in the panels; several runs get one
/// colour each and a legend below the panels, one line per run.
public enum TrainingCurves {
    typealias Color = (UInt8, UInt8, UInt8)
    struct Series { let name: String; let points: [(Double, Double)]; let color: Color; let dashed: Bool }
    struct Panel { let title: String; let series: [Series] }
    struct LegendEntry { let label: String; let color: Color }

    /// A run to draw and how the legend names it (its directory name, or a sweep trial's overrides).
    public struct Run {
        public let directory: String
        public let label: String
        public init(directory: String, label: String) {
            self.directory = directory
            self.label = label
        }
    }

    public static func render(runDirectory: String, to output: String) throws {
        try render(runs: [Run(directory: runDirectory, label: runDirectory)], to: output)
    }

    public static func render(runs: [Run], to output: String) throws {
        let lower = output.lowercased()
        guard lower.hasSuffix(".svg") || lower.hasSuffix(".png") else {
            throw UsageError("-o must end in .png or .svg, got \(output)")
        }
        var rowsByRun: [[[String: Double]]] = []
        for run in runs {
            let rows = try RunMetrics.read(runDirectory: run.directory).rows
            guard !rows.isEmpty else { throw DataError(file: RunMetrics.path(in: run.directory), message: "no epochs recorded yet") }
            rowsByRun.append(rows)
        }
        let (panels, legend) = runs.count == 1 ? singleRun(rowsByRun[0]) : severalRuns(runs, rowsByRun)
        if lower.hasSuffix(".svg") {
            try write(Data(svg(panels, legend: legend).utf8), to: output)
        } else {
            var canvas = RasterCanvas(width: Int(panelWidth) * 2, height: Int(height(legend: legend)))
            draw(panels, legend: legend, on: &canvas)
            try PNGWriter.write(rgb: canvas.pixels, width: canvas.width, height: canvas.height, to: output)
        }
    }

    static func series(_ rows: [[String: Double]], _ key: String, name: String, _ color: Color, dashed: Bool) -> Series {
        Series(name: name, points: rows.compactMap { r in r["epoch"].flatMap { e in r[key].map { (e, $0) } } },
               color: color, dashed: dashed)
    }

    private static func singleRun(_ rows: [[String: Double]]) -> ([Panel], [LegendEntry]) {
        let blue: Color = (31, 119, 180), orange: Color = (255, 127, 14)
        let panels = ["loss", "accuracy"].map { metric in
            Panel(title: metric, series: [series(rows, "train_" + metric, name: "train_" + metric, blue, dashed: false),
                                          series(rows, "val_" + metric, name: "val_" + metric, orange, dashed: true)])
        }
        return (panels.filter { $0.series.contains { !$0.points.isEmpty } }, [])
    }

    private static func severalRuns(_ runs: [Run], _ rowsByRun: [[[String: Double]]]) -> ([Panel], [LegendEntry]) {
        let colors = runs.indices.map { palette[$0 % palette.count] }
        let panels = ["loss", "accuracy"].map { metric in
            Panel(title: metric, series: zip(rowsByRun, colors).flatMap { rows, color in
                [series(rows, "train_" + metric, name: "", color, dashed: false),
                 series(rows, "val_" + metric, name: "", color, dashed: true)]
            })
        }
        let legend = zip(runs, colors).map { LegendEntry(label: $0.label, color: $1) }
        return (panels.filter { $0.series.contains { !$0.points.isEmpty } }, legend)
    }

    /// Matplotlib's tab10, the colours people read plots in.
    static let palette: [Color] = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
                                   (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207)]

    static let panelWidth = 480.0, panelHeight = 400.0, margin = 50.0, legendLine = 20.0
    /// Legend labels are cut to what fits the image's width in the 12-pixel font.
    static let legendCharacters = 72

    static func height(legend: [LegendEntry]) -> Double {
        legend.isEmpty ? panelHeight : panelHeight + 36 + Double(legend.count) * legendLine
    }

    static func legendText(_ entry: LegendEntry) -> String {
        entry.label.count <= legendCharacters ? entry.label : String(entry.label.prefix(legendCharacters - 3)) + "..."
    }

    /// Maps a panel's data to pixel coordinates inside panel `index`.
    static func projection(_ panel: Panel, index: Int) -> (Double, Double) -> (Double, Double) {
        let all = panel.series.flatMap(\.points)
        let xs = all.map(\.0), ys = all.map(\.1)
        let x0 = xs.min() ?? 0, x1 = max(xs.max() ?? 1, x0 + 1)
        var y0 = ys.min() ?? 0, y1 = ys.max() ?? 1
        if y1 - y0 < 1e-9 { y0 -= 0.5; y1 += 0.5 }
        let left = Double(index) * panelWidth + margin, right = Double(index + 1) * panelWidth - 20
        let top = 40.0, bottom = panelHeight - margin
        return { x, y in (left + (x - x0) / (x1 - x0) * (right - left), bottom - (y - y0) / (y1 - y0) * (bottom - top)) }
    }

    static func bounds(_ panel: Panel) -> (Double, Double) {
        let ys = panel.series.flatMap(\.points).map(\.1)
        return (ys.min() ?? 0, ys.max() ?? 1)
    }

    private static func write(_ data: Data, to path: String) throws {
        do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw RunFailure("\(path): cannot write: \(error.localizedDescription)")
        }
    }
}
