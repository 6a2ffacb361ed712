import Foundation

/// The two renderings of `TrainingCurves`: SVG text and the raster canvas behind PNG output.
extension TrainingCurves {
    static func svg(_ panels: [Panel], legend: [LegendEntry]) -> String {
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(panelWidth) * max(panels.count, 2))\" height=\"\(Int(height(legend: legend)))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        for (i, panel) in panels.enumerated() {
            let project = projection(panel, index: i)
            let left = Double(i) * panelWidth + margin
            out += "<text x=\"\(left)\" y=\"24\" font-size=\"14\">\(panel.title) (min \(fixed(bounds(panel).0, 4)), max \(fixed(bounds(panel).1, 4)))</text>\n"
            out += "<rect x=\"\(left)\" y=\"40\" width=\"\(panelWidth - margin - 20)\" height=\"\(panelHeight - margin - 40)\" fill=\"none\" stroke=\"#888\"/>\n"
            for (k, s) in panel.series.enumerated() where !s.points.isEmpty {
                let points = s.points.map { p -> String in let (x, y) = project(p.0, p.1); return "\(x),\(y)" }.joined(separator: " ")
                let color = svgColor(s.color)
                out += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(s.dashed ? " stroke-dasharray=\"6,4\"" : "") points=\"\(points)\"/>\n"
                if !s.name.isEmpty {
                    out += "<text x=\"\(left + 10)\" y=\"\(panelHeight - 14)\" dx=\"\(k * 210)\" fill=\"\(color)\">\(s.name)</text>\n"
                }
            }
            out += "<text x=\"\(left + (panelWidth - margin) / 2)\" y=\"\(panelHeight - 30)\">epoch</text>\n"
        }
        if !legend.isEmpty {
            out += "<text x=\"\(margin)\" y=\"\(panelHeight + 16)\">solid: train, dashed: validation</text>\n"
            for (k, entry) in legend.enumerated() {
                let y = panelHeight + 42 + Double(k) * legendLine
                out += "<line x1=\"\(margin)\" y1=\"\(y - 4)\" x2=\"\(margin + 24)\" y2=\"\(y - 4)\" stroke=\"\(svgColor(entry.color))\" stroke-width=\"3\"/>\n"
                out += "<text x=\"\(margin + 32)\" y=\"\(y)\">\(escaped(entry.label))</text>\n"
            }
        }
        return out + "</svg>\n"
    }

    static func draw(_ panels: [Panel], legend: [LegendEntry], on canvas: inout RasterCanvas) {
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
                if !s.name.isEmpty { canvas.text(s.name, x: left + 10 + k * 210, y: Int(panelHeight) - 30, color: s.color) }
            }
            canvas.text("epoch", x: left + Int(panelWidth - margin) / 2 - 15, y: Int(panelHeight) - 16, color: (0, 0, 0))
        }
        guard !legend.isEmpty else { return }
        canvas.text("solid: train, dashed: validation", x: Int(margin), y: Int(panelHeight) + 6, color: (0, 0, 0))
        for (k, entry) in legend.enumerated() {
            let y = Int(panelHeight + 30 + Double(k) * legendLine)
            for thickness in 0..<3 { canvas.line(Int(margin), y + 6 + thickness, Int(margin) + 24, y + 6 + thickness, color: entry.color) }
            canvas.text(legendText(entry), x: Int(margin) + 32, y: y, color: entry.color)
        }
    }

    private static func svgColor(_ color: Color) -> String { "rgb(\(color.0),\(color.1),\(color.2))" }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
