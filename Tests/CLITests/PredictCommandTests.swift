import Foundation
import Testing

/// `dlt predict`: every input format gives the same numbers for the same image, and the csv, json
/// and npy outputs, `--top-k` and `--grid` have the shapes README.md describes.
@Suite struct PredictCommandTests {
    private let side = 28

    /// Writes one image in every format `predict` reads and returns the paths (IDX, PGM, PNG, CSV, NPY).
    private func writeInputs(_ pixels: [UInt8], in dir: URL) throws -> [String] {
        let files: [(String, Data)] = [
            ("image.idx", InputFiles.idx([pixels], width: side, height: side)),
            ("image.pgm", InputFiles.pgm(pixels, width: side, height: side)),
            ("image.png", InputFiles.png(pixels, width: side, height: side)),
            ("image.csv", InputFiles.csv([pixels])),
            // Raw pixel values, as in the data files a model trains on: the config's normalisation applies.
            ("image.npy", InputFiles.npy(pixels.map(Float.init), shape: [1, 1, side, side])),
        ]
        return try files.map { name, data in
            let url = dir.appendingPathComponent(name)
            try data.write(to: url)
            return url.path
        }
    }

    private var checkpoint: String {
        get async throws { try await SharedRuns.mnistRun.get().appendingPathComponent("last.safetensors").path }
    }

    @Test func everyInputFormatGivesTheSameScoresAsJSON() async throws {
        let ckpt = try await checkpoint
        try await withTemporaryDirectory { dir in
            let inputs = try writeInputs(InputFiles.sampleImage(), in: dir)
            let result = await runDLT(["predict", ckpt] + inputs + ["--format", "json", "--top-k", "3"])
            #expect(result.code == 0, "\(result.transcript)")
            let data = try #require(result.stdout.data(using: .utf8))
            let rows = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
            #expect(rows.count == inputs.count)
            let tops = rows.map { ($0["top"] as? [[String: Any]]) ?? [] }
            #expect(tops.allSatisfy { $0.count == 3 }, "--top-k 3 gives three labels per input")
            let reference = tops.first ?? []
            let labels = reference.compactMap { $0["label"] as? String }
            #expect(labels.count == 3 && Set(labels).count == 3)
            let scores = reference.compactMap { $0["score"] as? Double }
            #expect(scores == scores.sorted(by: >), "top-k is ordered by score")
            for (i, top) in tops.enumerated().dropFirst() {
                #expect(top.compactMap { $0["label"] as? String } == labels, "\(inputs[i]) ranks differently from IDX")
                for (a, b) in zip(top.compactMap { $0["score"] as? Double }, scores) {
                    #expect(abs(a - b) < 1e-5, "\(inputs[i]) scores differ from IDX: \(a) vs \(b)")
                }
            }
        }
    }

    @Test func csvOutputHasHeaderAndTopKColumns() async throws {
        let ckpt = try await checkpoint
        try await withTemporaryDirectory { dir in
            let images = (0..<3).map { InputFiles.sampleImage(variant: $0) }
            let idx = dir.appendingPathComponent("three.idx")
            try InputFiles.idx(images, width: side, height: side).write(to: idx)
            let result = await runDLT(["predict", ckpt, idx.path, "--top-k", "3"])
            #expect(result.code == 0, "\(result.transcript)")
            let lines = result.stdout.split(separator: "\n").map(String.init)
            #expect(lines.count == 4, "a header and one row per image")
            #expect(lines.first == "input,label_1,score_1,label_2,score_2,label_3,score_3")
            let classes = ["T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Boot"]
            for line in lines.dropFirst() {
                let fields = line.split(separator: ",").map(String.init)
                #expect(fields.count == 7)
                guard fields.count == 7 else { continue }
                for k in 0..<3 {
                    #expect(classes.contains(fields[1 + 2 * k]))
                    let score = Double(fields[2 + 2 * k]) ?? -1
                    #expect(score >= 0 && score <= 1, "softmax probabilities")
                }
            }
        }
    }

    @Test func npyOutputIsTheOutputTensorAndRowsSumToOne() async throws {
        let ckpt = try await checkpoint
        try await withTemporaryDirectory { dir in
            let images = (0..<2).map { InputFiles.sampleImage(variant: $0) }
            let npyIn = dir.appendingPathComponent("two.npy")
            try InputFiles.npy(images.joined().map(Float.init), shape: [2, 1, side, side]).write(to: npyIn)
            let out = dir.appendingPathComponent("out.npy")
            let result = await runDLT(["predict", ckpt, npyIn.path, "--format", "npy", "-o", out.path])
            #expect(result.code == 0, "\(result.transcript)")
            let bytes = try Data(contentsOf: out)
            #expect(bytes.prefix(6) == Data([0x93]) + Data("NUMPY".utf8))
            let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
            #expect(header.contains("'<f4'"))
            #expect(header.contains("(2, 10)"), "N x outputs: \(header)")
            let body = bytes.subdata(in: (10 + headerLength)..<bytes.count)
            #expect(body.count == 2 * 10 * 4)
            let values: [Float] = body.withUnsafeBytes { raw in
                (0..<(body.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
            }
            for row in 0..<(values.count / 10) {
                let sum = values[(row * 10)..<(row * 10 + 10)].reduce(0, +)
                #expect(abs(sum - 1) < 1e-4, "softmax row \(row) sums to \(sum)")
            }
        }
    }

    @Test func gridWritesAPNG() async throws {
        let ckpt = try await checkpoint
        try await withTemporaryDirectory { dir in
            let images = (0..<4).map { InputFiles.sampleImage(variant: $0) }
            let idx = dir.appendingPathComponent("four.idx")
            try InputFiles.idx(images, width: side, height: side).write(to: idx)
            let grid = dir.appendingPathComponent("grid.png")
            let result = await runDLT(["predict", ckpt, idx.path, "--grid", grid.path, "-o", dir.appendingPathComponent("p.csv").path])
            #expect(result.code == 0, "\(result.transcript)")
            let png = try Data(contentsOf: grid)
            #expect(png.prefix(8) == Data([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
            // IHDR width and height (big-endian at bytes 16..<24): at least one 28x28 tile each way.
            let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
            #expect(width >= side && height >= side)
        }
    }

    /// A binary model (one sigmoid unit) still ranks two classes: `--top-k 2` lists both names
    /// from the config, with scores p and 1 - p.
    @Test func binaryModelTopTwoListsBothClasses() async throws {
        let ckpt = try await SharedRuns.textRun.get().appendingPathComponent("last.safetensors").path
        try await withTemporaryDirectory { dir in
            let csv = dir.appendingPathComponent("reviews.csv")
            try "text\nthis movie was great wonderful brilliant\nboring awful terrible waste\n"
                .write(to: csv, atomically: true, encoding: .utf8)
            let result = await runDLT(["predict", ckpt, csv.path, "--top-k", "2"])
            #expect(result.code == 0, "\(result.transcript)")
            let lines = result.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first == "input,label_1,score_1,label_2,score_2", "\(result.stdout)")
            for line in lines.dropFirst() {
                let fields = line.split(separator: ",").map(String.init)
                #expect(fields.count == 5, "\(line)")
                guard fields.count == 5 else { continue }
                #expect(Set([fields[1], fields[3]]) == ["negative", "positive"])
                let sum = (Double(fields[2]) ?? 0) + (Double(fields[4]) ?? 0)
                #expect(abs(sum - 1) < 1e-5)
            }
        }
    }

    @Test func imageOfWrongSizeIsBadDataExitTwo() async throws {
        let ckpt = try await checkpoint
        try await withTemporaryDirectory { dir in
            let pgm = dir.appendingPathComponent("small.pgm")
            try InputFiles.pgm(InputFiles.sampleImage(width: 10, height: 10), width: 10, height: 10).write(to: pgm)
            let result = await runDLT(["predict", ckpt, pgm.path])
            #expect(result.code == 2, "\(result.transcript)")
            #expect(result.stderr.hasPrefix("dlt: error: "))
            #expect(result.stderr.contains("small.pgm"))
        }
    }
}
