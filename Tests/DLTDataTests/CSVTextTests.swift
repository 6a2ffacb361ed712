import Testing
@testable import DLTData

@Suite struct CSVTextTests {
    let csv = """
    text,label
    "Great movie, great cast!",1
    awful movie. AWFUL,0
    great fun,1

    """

    func parse(_ text: String, _ options: CSVReader.TextOptions) throws -> Dataset {
        try CSVReader.parseText(data: Array(text.utf8), name: "t.csv", options: options)
    }

    @Test func tokenizerLowercasesAndSplitsOnPunctuation() {
        #expect(TextVocabulary.tokenize("Don't STOP--me, now!  ok?") == ["don", "t", "stop", "me", "now", "ok"])
        #expect(TextVocabulary.tokenize(" ,. ").isEmpty)
    }

    @Test func vocabularyOrdersByFrequencyThenFirstAppearance() throws {
        let dataset = try parse(csv, .init(vocab: 6, length: 4))
        // counts: great 3, movie 2, awful 2, cast 1, fun 1; movie appears before awful.
        #expect(dataset.vocabulary == ["<pad>", "<unk>", "great", "movie", "awful", "cast"])
        #expect(dataset.sampleShape == [4])
        #expect(dataset.labels == [1, 0, 1])
        // "great fun" -> great, <unk> (fun was cut from the vocabulary), then padding.
        #expect(dataset.values == .float([2, 3, 2, 5, 4, 3, 4, 0, 2, 1, 0, 0]))
    }

    @Test func vocabularyIsDeterministic() throws {
        let first = try parse(csv, .init(vocab: 50, length: 3))
        for _ in 0..<5 {
            #expect(try parse(csv, .init(vocab: 50, length: 3)) == first)
        }
    }

    @Test func existingVocabularyIsReused() throws {
        let vocabulary = ["<pad>", "<unk>", "awful", "great"]
        let dataset = try parse("text,label\ngreat movie,1\n", .init(vocab: 2, length: 3, vocabulary: vocabulary))
        #expect(dataset.vocabulary == vocabulary)
        #expect(dataset.values == .float([3, 1, 0]))
    }

    @Test func columnsByIndexWithoutHeader() throws {
        let dataset = try parse("1,hello world\n0,bye\n", .init(text: .index(1), label: .index(0), vocab: 10, length: 2))
        #expect(dataset.labels == [1, 0])
        #expect(dataset.vocabulary == ["<pad>", "<unk>", "hello", "world", "bye"])
        let noLabel = try parse("text\nhello\n", .init(label: .none, vocab: 10, length: 1))
        #expect(noLabel.labels == nil && noLabel.count == 1)
    }

    @Test func errorsNameTheLine() {
        #expect(dataErrorText { try parse("text,label\nhi,1\nho,x\n", .init(vocab: 10, length: 2)) }
            == "t.csv: line 3, column 2: label 'x' is not a number")
        #expect(dataErrorText { try parse("text,label\nhi,1,2\n", .init(vocab: 10, length: 2)) }
            == "t.csv: line 2: has 3 columns, expected 2 like the first row")
        #expect(dataErrorText { try parse("words,y\nhi,1\n", .init(vocab: 10, length: 2)) }
            .hasPrefix("t.csv: no text column 'text' in the header"))
        #expect(dataErrorText { try parse(csv, .init(vocab: 2, length: 2)) }.contains("vocab must exceed 2"))
    }
}
