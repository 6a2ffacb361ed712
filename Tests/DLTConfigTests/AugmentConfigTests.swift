@testable import DLTConfig
import DLTTrain
import Testing

/// `data.augment`: each transform's defaults and keys, and the refusals of docs/config.md.
@Suite struct AugmentConfigTests {
    /// A config with `augment` as the data section's last key (line 4 is its first entry) and `input`.
    func config(_ augment: String, input: String = "[3, 32, 32]", data: String = "") -> String {
        "data:\n  format: cifar10\n  augment:\n" + augment + "\n  train: {files: [a.bin]}\n" + data
            + "model:\n  input: \(input)\n  layers:\n    - flatten\n    - dense: {units: 10}\n"
    }

    @Test func everyTransformWithItsDefaultsAndGivenValues() throws {
        let parsed = try ModelConfig.parse(text: config("""
            - random_crop
            - flip: {vertical: true}
            - rotate: {degrees: 30}
            - zoom: {range: [0.8, 1.25]}
            - translate:
            - brightness: {delta: 0.1}
            - contrast: {range: [0.5, 1.5]}
            - cutout: {size: 32}
        """), file: "a.yaml")
        #expect(parsed.data?.augment.map(\.transform) == [
            .randomCrop(padding: 4), .flip(horizontal: true, vertical: true), .rotate(degrees: 30),
            .zoom(low: 0.8, high: 1.25), .translate(fraction: 0.1), .brightness(delta: 0.1),
            .contrast(low: 0.5, high: 1.5), .cutout(size: 32),
        ])
        #expect(parsed.data?.augment.first?.location == SourceLocation(line: 4, column: 7))
        let defaults = try ModelConfig.parse(text: config("    - zoom\n    - contrast\n    - cutout\n    - rotate\n    - brightness"), file: "a.yaml")
        #expect(defaults.data?.augment.map(\.transform) == [.zoom(low: 0.9, high: 1.1), .contrast(low: 0.8, high: 1.2),
                                                            .cutout(size: 8), .rotate(degrees: 10), .brightness(delta: 0.2)])
    }

    @Test func unknownTransformsAndKeysGetADidYouMean() {
        let transform = configError(config("    - random_crop: {padding: 2}\n    - filp: {horizontal: true}"))
        #expect(transform?.message == "unknown transform 'filp' — did you mean 'flip'?")
        #expect(transform?.location == SourceLocation(line: 5, column: 7))
        let key = configError(config("    - rotate: {degree: 10}"))
        #expect(key?.message == "data.augment rotate: unknown key 'degree' — did you mean 'degrees'?")
        #expect(key?.location == SourceLocation(line: 4, column: 16))
    }

    @Test func outOfRangeValuesAreRefusedAtTheirPlace() {
        let cases: [(String, String)] = [
            ("    - rotate: {degrees: -5}", "degrees must be in [0, 180], got -5"),
            ("    - cutout: {size: -1}", "size must be a positive whole number, got -1"),
            ("    - cutout: {size: 33}", "size must not be larger than the 32x32 image, got 33"),
            ("    - random_crop: {padding: 32}", "padding must be smaller than the 32x32 image, got 32"),
            ("    - random_crop: {padding: -1}", "padding must be a whole number ≥ 0, got -1"),
            ("    - zoom: {range: [1.2, 0.9]}", "range must have low ≤ high, got [1.2, 0.9]"),
            ("    - contrast: {range: [0.5]}", "range must be [low, high], got a list of 1"),
            ("    - flip: {horizontal: false}", "enable horizontal or vertical"),
            ("    - translate: {fraction: 1}", "fraction must be in [0, 1), got 1"),
            ("    - brightness: {delta: abc}", "delta must be a number, got 'abc'"),
        ]
        for (entry, message) in cases {
            let error = configError(config(entry))
            #expect(error?.message.contains(message) == true, "\(entry): \(String(describing: error))")
            #expect(error?.location?.line == 4, "\(entry)")
        }
    }

    @Test func nonImageDataIsRefused() {
        let vector = configError(config("    - flip", input: "[784]"))
        #expect(vector?.message.contains("model.input [784] is not [C, H, W]") == true, "\(String(describing: vector))")
        #expect(vector?.location == SourceLocation(line: 4, column: 5))
        let text = configError("""
            data:
              format: csv
              train: {path: t.csv, text_column: text}
              vocab: 100
              length: 8
              augment: [flip]
            model:
              input: [1, 8, 1]
              layers: [flatten, {dense: {units: 2}}]
            """)
        #expect(text?.message.contains("the data is text") == true, "\(String(describing: text))")
    }
}
