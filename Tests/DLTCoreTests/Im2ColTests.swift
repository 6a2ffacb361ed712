import DLTCore
import Testing

/// im2col against a direct reading of its definition, and col2im as its adjoint:
/// <im2col(x), c> == <x, col2im(c)> for any x and c.
struct Im2ColTests {
    static let cases: [(c: Int, h: Int, w: Int, k: (Int, Int), s: (Int, Int), p: (Int, Int, Int, Int), d: (Int, Int))] = [
        (1, 5, 5, (3, 3), (1, 1), (0, 0, 0, 0), (1, 1)),
        (2, 7, 6, (3, 2), (2, 2), (1, 1, 1, 1), (1, 1)),
        (3, 9, 8, (3, 3), (1, 2), (1, 0, 2, 1), (2, 2)),
        (1, 4, 7, (1, 1), (3, 2), (0, 0, 0, 0), (1, 1)),
        // Stride 1 with rows of 21 and 19 floats: the vector copies and adds of copyShort/addShort.
        (2, 12, 21, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1)),
        (1, 6, 21, (2, 3), (1, 1), (0, 0, 0, 0), (1, 1)),
        // Stride 2, the 8-lane gather: runs of 8 and 7 ("same", the odd pixel after), of 18,
        // of 4 and 3 that store past their end, and with dilation.
        (2, 16, 16, (3, 3), (2, 2), (0, 0, 1, 1), (1, 1)),
        (3, 15, 35, (3, 3), (2, 2), (1, 1, 1, 1), (1, 1)),
        (2, 8, 8, (3, 3), (2, 2), (0, 0, 1, 1), (1, 1)),
        (1, 9, 9, (3, 3), (2, 2), (1, 1, 1, 1), (2, 2)),
    ]

    @Test(arguments: 0..<cases.count)
    func matchesDefinitionAndAdjoint(index: Int) throws {
        let t = Self.cases[index]
        let g = try WindowGeometry(channels: t.c, height: t.h, width: t.w, kernelH: t.k.0, kernelW: t.k.1,
                                   strideH: t.s.0, strideW: t.s.1, padTop: t.p.0, padLeft: t.p.1,
                                   padBottom: t.p.2, padRight: t.p.3, dilationH: t.d.0, dilationW: t.d.1)
        var random = SeededRandom(seed: UInt64(index))
        let image = (0..<(t.c * t.h * t.w)).map { _ in random.uniform(-1, 1) }
        var columns = [Float](repeating: .nan, count: g.columnRows * g.outArea)
        image.withUnsafeBufferPointer { x in
            columns.withUnsafeMutableBufferPointer { Im2Col.imageToColumns(x.baseAddress!, g, columns: $0.baseAddress!, ldc: g.outArea) }
        }
        for c in 0..<t.c { for ki in 0..<t.k.0 { for kj in 0..<t.k.1 {
            let row = (c * t.k.0 + ki) * t.k.1 + kj
            for oh in 0..<g.outH { for ow in 0..<g.outW {
                let ih = oh * t.s.0 - t.p.0 + ki * t.d.0, iw = ow * t.s.1 - t.p.1 + kj * t.d.1
                let expected: Float = ih >= 0 && ih < t.h && iw >= 0 && iw < t.w ? image[(c * t.h + ih) * t.w + iw] : 0
                #expect(columns[row * g.outArea + oh * g.outW + ow] == expected)
            } }
        } } }
        let probe = (0..<columns.count).map { _ in random.uniform(-1, 1) }
        var folded = [Float](repeating: 0, count: image.count)
        probe.withUnsafeBufferPointer { c in
            folded.withUnsafeMutableBufferPointer { Im2Col.columnsToImage(c.baseAddress!, ldc: g.outArea, g, image: $0.baseAddress!) }
        }
        let lhs = zip(columns, probe).reduce(0.0) { $0 + Double($1.0 * $1.1) }
        let rhs = zip(image, folded).reduce(0.0) { $0 + Double($1.0 * $1.1) }
        #expect(abs(lhs - rhs) < 1e-4)
    }

    @Test func outputSizesFollowTheFormula() throws {
        let g = try WindowGeometry(channels: 1, height: 28, width: 28, kernelH: 3, kernelW: 3, strideH: 2, strideW: 2,
                                   padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)
        #expect(g.outH == 14 && g.outW == 14)
        let same = WindowGeometry.samePadding(size: 28, kernel: 3, stride: 2, dilation: 1)
        #expect(same.before == 0 && same.after == 1)
    }

    @Test func windowsLargerThanTheInputAreRefused() {
        #expect(throws: EngineError.self) {
            try WindowGeometry(channels: 1, height: 2, width: 2, kernelH: 3, kernelW: 3, strideH: 1, strideW: 1,
                               padTop: 0, padLeft: 0, padBottom: 0, padRight: 0)
        }
        #expect(throws: EngineError.self) {
            try WindowGeometry(channels: 1, height: 5, width: 5, kernelH: 3, kernelW: 3, strideH: 0, strideW: 1,
                               padTop: 0, padLeft: 0, padBottom: 0, padRight: 0)
        }
    }
    /// Images side by side (ldc = 3 · outArea) unfold exactly as each does alone: the stride-2
    /// gather's stores past a short run stay inside its own image's block.
    @Test func imagesSideBySideMatchEachAlone() throws {
        let g = try WindowGeometry(channels: 3, height: 8, width: 8, kernelH: 3, kernelW: 3, strideH: 2, strideW: 2,
                                   padTop: 0, padLeft: 0, padBottom: 1, padRight: 1)
        var random = SeededRandom(seed: 11)
        let size = g.channels * g.inArea, area = g.outArea, ldc = 3 * area
        let images = (0..<(3 * size)).map { _ in random.uniform(-1, 1) }
        var together = [Float](repeating: .nan, count: g.columnRows * ldc)
        var alone = [Float](repeating: .nan, count: g.columnRows * area)
        images.withUnsafeBufferPointer { x in
            together.withUnsafeMutableBufferPointer { c in
                for i in 0..<3 { Im2Col.imageToColumns(x.baseAddress! + i * size, g, columns: c.baseAddress! + i * area, ldc: ldc) }
            }
        }
        for i in 0..<3 {
            images.withUnsafeBufferPointer { x in
                alone.withUnsafeMutableBufferPointer { Im2Col.imageToColumns(x.baseAddress! + i * size, g, columns: $0.baseAddress!, ldc: area) }
            }
            for row in 0..<g.columnRows {
                #expect(Array(together[(row * ldc + i * area)..<(row * ldc + (i + 1) * area)]) == Array(alone[(row * area)..<((row + 1) * area)]),
                        "image \(i), column row \(row)")
            }
        }
    }
}
