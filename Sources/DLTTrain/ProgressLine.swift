import Foundation

/// Training progress on stderr: on a terminal, one live line redrawn a few times a second
/// (epoch, step, loss, accuracy, images/s, ETA); in a pipe or CI, one plain line per epoch.
public final class ProgressLine {
    private let live: Bool
    /// Prints nothing: the ranks of an mpirun job other than rank 0.
    private let quiet: Bool
    private var lastDraw = 0.0

    public init(live: Bool = isatty(2) != 0, quiet: Bool = false) { self.live = live; self.quiet = quiet }

    public func step(epoch: Int, epochs: Int, batch: Int, batches: Int, loss: Double, accuracy: Double?,
                     imagesPerSecond: Double, elapsed: Double) {
        guard live && !quiet else { return }
        let now = Date().timeIntervalSinceReferenceDate
        if now - lastDraw < 0.1 && batch < batches { return }
        lastDraw = now
        let width = 24
        let done = batches == 0 ? width : width * batch / batches
        let bar = String(repeating: "█", count: done) + String(repeating: "·", count: width - done)
        let eta = batch == 0 ? 0 : elapsed / Double(batch) * Double(batches - batch)
        var line = "epoch \(epoch)/\(epochs) \(bar) \(batch)/\(batches) loss \(fixed(loss, 4))"
        if let accuracy { line += " acc \(fixed(accuracy, 4))" }
        line += " \(Int(imagesPerSecond)) img/s ETA \(Int(eta.rounded()))s"
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
    }

    public func epochEnd(_ summary: String) {
        guard !quiet else { return }
        let prefix = live ? "\r\u{1B}[K" : ""
        FileHandle.standardError.write(Data((prefix + summary + "\n").utf8))
    }

    public func note(_ text: String) {
        guard !quiet else { return }
        let prefix = live ? "\r\u{1B}[K" : ""
        FileHandle.standardError.write(Data((prefix + text + "\n").utf8))
    }
}

func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }
