import ArgumentParser
import DLTData
import DLTTrain

struct Augment: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw the first training samples as training augments them (epoch 0) in a PNG grid.")

    @OptionGroup var config: ConfigArgument
    @Option(name: .shortAndLong, help: "The PNG file to write.") var output: String
    @Option(help: "How many samples, at least 1.") var samples = 25

    func validate() throws {
        if samples < 1 { throw ValidationError("--samples must be at least 1, got \(samples)") }
        if !output.lowercased().hasSuffix(".png") { throw ValidationError("-o \(output): dlt augment writes a PNG file (FILE.png)") }
    }

    func run() throws {
        let preview = try config.with { try AugmentationPreview(config: $0, samples: samples) }
        let image = try ImageGrid.render(values: preview.values, sampleShape: preview.sampleShape, count: preview.count,
                                         labels: preview.labels, limit: samples)
        try PNGWriter.write(rgb: image.rgb, width: image.width, height: image.height, to: output)
    }
}
