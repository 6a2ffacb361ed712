import Testing
@testable import DLTData

@Suite struct ImageGridTests {
    @Test func layoutIsFiveColumnsOfScaledImages() throws {
        let count = 7, side = 4
        let values = SampleValues.uint8((0..<count).flatMap { [UInt8](repeating: UInt8(100 + $0), count: side * side) })
        let grid = try ImageGrid.render(values: values, sampleShape: [1, side, side], count: count,
                                        labels: (0..<count).map { "c\($0)" }, scale: 3)
        let cellWidth = max(side * 3, BitmapFont.advance * 4)
        #expect(grid.width == ImageGrid.gap + 5 * (cellWidth + ImageGrid.gap))
        #expect(grid.height == ImageGrid.gap + 2 * (side * 3 + ImageGrid.labelHeight + ImageGrid.gap))
        #expect(grid.rgb.count == grid.width * grid.height * 3)
        // Image 6 is the second of row two; its top-left pixel holds its gray value.
        let left = ImageGrid.gap + 1 * (cellWidth + ImageGrid.gap) + (cellWidth - side * 3) / 2
        let top = ImageGrid.gap + 1 * (side * 3 + ImageGrid.labelHeight + ImageGrid.gap)
        let offset = (top * grid.width + left) * 3
        #expect(Array(grid.rgb[offset..<(offset + 3)]) == [106, 106, 106])
    }

    @Test func labelsAreDrawnWithTheFont() throws {
        let values = SampleValues.float([Float](repeating: 0, count: 4))
        let labelled = try ImageGrid.render(values: values, sampleShape: [1, 2, 2], count: 1, labels: ["A"], scale: 1)
        let blank = try ImageGrid.render(values: values, sampleShape: [1, 2, 2], count: 1, labels: [""], scale: 1)
        let inkPixels = { (rgb: [UInt8]) in rgb.filter { $0 == ImageGrid.ink }.count }
        // "A" has 18 lit pixels in the 5x7 glyph, each written as 3 bytes.
        let litInA = (0..<5).flatMap { c in (0..<7).map { r in BitmapFont.isSet("A", column: c, row: r) } }.filter { $0 }.count
        #expect(litInA == 18)
        #expect(inkPixels(labelled.rgb) - inkPixels(blank.rgb) == litInA * 3)
    }

    @Test func floatImagesOutsideUnitRangeAreStretched() throws {
        let bytes = ImageGrid.bytes(of: .float([-2, 0, 2]), sample: 0, sampleSize: 3)
        #expect(bytes == [0, 128, 255])
        #expect(ImageGrid.bytes(of: .float([0, 0.5, 1]), sample: 0, sampleSize: 3) == [0, 128, 255])
    }

    @Test func rgbImagesAndFlatVectors() throws {
        let rgb = SampleValues.uint8([255, 0, 0])   // one red pixel, CHW
        let grid = try ImageGrid.render(values: rgb, sampleShape: [3, 1, 1], count: 1, labels: [], scale: 1)
        let left = ImageGrid.gap + (grid.width - 2 * ImageGrid.gap - 1) / 2
        let offset = (ImageGrid.gap * grid.width + left) * 3
        #expect(Array(grid.rgb[offset..<(offset + 3)]) == [255, 0, 0])
        #expect(ImageGrid.imageShape([784]) == (1, 28, 28))
        #expect(ImageGrid.imageShape([10]) == (1, 1, 10))
        #expect(dataErrorText { try ImageGrid.render(values: rgb, sampleShape: [3, 1, 1], count: 0, labels: []) }.hasPrefix("grid: nothing to draw"))
    }

    @Test func atMostTwentyFiveImages() throws {
        let values = SampleValues.uint8([UInt8](repeating: 9, count: 30))
        let grid = try ImageGrid.render(values: values, sampleShape: [1, 1, 1], count: 30, labels: [], scale: 1)
        let rows = (grid.height - ImageGrid.gap) / (1 + ImageGrid.labelHeight + ImageGrid.gap)
        #expect(rows == 5)
    }
}
