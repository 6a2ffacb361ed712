import DLTData
import Foundation

/// `dlt plot`: loss and accuracy per epoch from a run's metrics.jsonl, as SVG or PNG, for people
/// who don't run TensorBoard. Two panels side by side; train solid, validation dashed.
public enum TrainingCurves {
    struct Series { let name: String; let points: [(Double, Double)]; let color: (UInt8, UInt8, UInt8); let dashed: Bool }
    struct Panel { let title: String; let series: [Series] }

    public static func render(runDirectory: String, to output: String) throws {
        let rows = try RunMetrics.read(runDirectory: runDirectory).rows
        let path = RunMetrics.path(in: runDirectory)
        guard !rows.isEmpty else { throw DataError(file: path, message: "no epochs recorded yet") }
        func series(_ key: String, _ color: (UInt8, UInt8, UInt8), dashed: Bool) -> Series {
            Series(name: key, points: rows.compactMap { r in r["epoch"].flatMap { e in r[key].map { (e, $0) } } },
                   color: color, dashed: dashed)
        }
        let blue: (UInt8, UInt8, UInt8) = (31, 119, 180), orange: (UInt8, UInt8, UInt8) = (255, 127, 14)
        let panels = [
            Panel(title: "loss", series: [series("train_loss", blue, dashed: false), series("val_loss", orange, dashed: true)]),
            Panel(title: "accuracy", series: [series("train_accuracy", blue, dashed: false), series("val_accuracy", orange, dashed: true)]),
        ].filter { $0.series.contains { !$0.points.isEmpty } }
        let lower = output.lowercased()
        if lower.hasSuffix(".svg") {
            try write(Data(svg(panels).utf8), to: output)
        } else if lower.hasSuffix(".png") {
            var canvas = RasterCanvas(width: 960, height: 400)
            draw(panels, on: &canvas)
            try PNGWriter.write(rgb: canvas.pixels, width: canvas.width, height: canvas.height, to: output)
        } else {
            throw UsageError("-o must end in .png or .svg, got \(output)")
        }
    }

    static let panelWidth = 480.0, panelHeight = 400.0, margin = 50.0

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

    static func svg(_ panels: [Panel]) -> String {
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(panelWidth) * panels.count)\" height=\"\(Int(panelHeight))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        for (i, panel) in panels.enumerated() {
            let project = projection(panel, index: i)
            let left = Double(i) * panelWidth + margin
            out += "<text x=\"\(left)\" y=\"24\" font-size=\"14\">\(panel.title) (min \(fixed(bounds(panel).0, 4)), max \(fixed(bounds(panel).1, 4)))</text>\n"
            out += "<rect x=\"\(left)\" y=\"40\" width=\"\(panelWidth - margin - 20)\" height=\"\(panelHeight - margin - 40)\" fill=\"none\" stroke=\"#888\"/>\n"
            for (k, s) in panel.series.enumerated() where !s.points.isEmpty {
                let points = s.points.map { p -> String in let (x, y) = project(p.0, p.1); return "\(x),\(y)" }.joined(separator: " ")
                let color = "rgb(\(s.color.0),\(s.color.1),\(s.color.2))"
                out += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(s.dashed ? " stroke-dasharray=\"6,4\"" : "") points=\"\(points)\"/>\n"
                out += "<text x=\"\(left + 10)\" y=\"\(panelHeight - 14 - Double(k) * 0)\" dx=\"\(k * 210)\" fill=\"\(color)\">\(s.name)</text>\n"
            }
            out += "<text x=\"\(left + (panelWidth - margin) / 2)\" y=\"\(panelHeight - 30)\">epoch</text>\n"
        }
        return out + "</svg>\n"
    }

    static func draw(_ panels: [Panel], on canvas: inout RasterCanvas) {
        canvas.fill(255, 255, 255)
        for (i, panel) in panels.enumerated() {
            let project = projection(panel, index: i)
            let left = Int(Double(i) * panelWidth + margin)
            let (low, high) = bounds(panel)
            canvas.text("\(panel.title)  min \(fixed(low, 4))  max \(fixed(high, 4))", x: left, y: 18, color: (0, 0, 0))
            canvas.rectangle(x0: left, y0: 40, x1: Int((Double(i) + 1) * panelWidth - 20), y1: Int(panelHeight - margin), color: (136, 136, 136))
            for (k, s) in panel.series.enumerated() where !s.points.isEmpty {
                for (a, b) in zip(s.points, s.points.dropFirst()) {
                    let p = project(a.0, a.1), q = project(b.0, b.1)
                    canvas.line(Int(p.0), Int(p.1), Int(q.0), Int(q.1), color: s.color, dashed: s.dashed)
                }
                for point in s.points {
                    let p = project(point.0, point.1)
                    canvas.dot(Int(p.0), Int(p.1), color: s.color)
                }
                canvas.text(s.name, x: left + 10 + k * 210, y: Int(panelHeight) - 30, color: s.color)
            }
            canvas.text("epoch", x: left + Int(panelWidth - margin) / 2 - 15, y: Int(panelHeight) - 16, color: (0, 0, 0))
        }
    }

    private static func write(_ data: Data, to path: String) throws {
        do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw RunFailure("\(path): cannot write: \(error.localizedDescription)")
        }
    }
}
