import Testing
@testable import DLTData

@Suite struct CSVReaderTests {
    func parse(_ text: String, _ options: CSVReader.NumericOptions = .init()) throws -> Dataset {
        try CSVReader.parseNumeric(data: Array(text.utf8), name: "t.csv", options: options)
    }

    @Test func headerIsDetectedAndLabelIsLastColumn() throws {
        let dataset = try parse("a,b,label\n1,2,0\n3.5,-4,1\n")
        #expect(dataset.sampleShape == [2])
        #expect(dataset.values == .float([1, 2, 3.5, -4]))
        #expect(dataset.labels == [0, 1])
        #expect(dataset.targets == nil)
    }

    @Test func noHeaderWhenFirstRowIsNumeric() throws {
        let dataset = try parse("1,2,0\r\n3,4,2\r\n\r\n")
        #expect(dataset.count == 2)
        #expect(dataset.labels == [0, 2])
    }

    @Test func labelColumnByNameOrIndex() throws {
        let byName = try parse("y,x1,x2\n1,5,6\n0,7,8\n", .init(label: .name("y")))
        #expect(byName.values == .float([5, 6, 7, 8]))
        #expect(byName.labels == [1, 0])
        let byIndex = try parse("1,5,6\n0,7,8\n", .init(label: .index(0)))
        #expect(byIndex == byName)
    }

    @Test func regressionTargetsAndNoLabel() throws {
        let regression = try parse("x,y\n1,0.5\n2,1.5\n", .init(labelKind: .value))
        #expect(regression.targets == [0.5, 1.5])
        #expect(regression.targetWidth == 1)
        #expect(regression.labels == nil)
        let unlabeled = try parse("1,2\n3,4\n", .init(label: .none))
        #expect(unlabeled.sampleShape == [2] && unlabeled.labels == nil)
    }

    @Test func quotedFieldsMayHoldCommas() throws {
        let dataset = try parse("\"a,b\",c\n\"1\",2\n")
        #expect(dataset.values == .float([1]))
        #expect(dataset.labels == [2])
    }

    @Test func raggedRowNamesItsLine() {
        #expect(dataErrorText { try parse("a,b,c\n1,2,3\n4,5\n") } == "t.csv: line 3: has 2 columns, expected 3 like the first row")
    }

    @Test func nonNumericCellNamesLineAndColumn() {
        #expect(dataErrorText { try parse("a,b\n1,2\n3,x7\n") } == "t.csv: line 3, column 2: 'x7' is not a number")
        #expect(dataErrorText { try parse("1,2\nnan,1\n") } == "t.csv: line 2, column 1: 'nan' is not a number")
    }

    @Test func fractionalClassLabelIsRefused() {
        #expect(dataErrorText { try parse("1,0.5\n") } == "t.csv: line 1: label '0.5' is not an integer class")
    }

    @Test func columnProblems() {
        #expect(dataErrorText { try parse("a,b\n1,2\n", .init(label: .name("z"))) }
            == "t.csv: no label column 'z' in the header (columns: a, b)")
        #expect(dataErrorText { try parse("1,2\n", .init(label: .name("z"))) }.contains("has no header row"))
        #expect(dataErrorText { try parse("1,2\n", .init(label: .index(5))) }.contains("outside 0..<2"))
        #expect(dataErrorText { try parse("") } == "t.csv: no rows")
        #expect(dataErrorText { try parse("a,b\n") } == "t.csv: no data rows after the header")
        #expect(dataErrorText { try parse("a,\"b\n1,2\n") } == "t.csv: line 1: quoted field is never closed")
    }

    @Test func readsFromFiles() throws {
        let directory = try TestDirectory()
        let path = try directory.write("d.csv", text: "f,label\n0.25,1\n")
        #expect(try CSVReader.readNumeric(path: path).values == .float([0.25]))
        #expect(dataErrorText { try CSVReader.readNumeric(path: directory.path + "/none.csv") }.hasSuffix("none.csv: no such file"))
    }
}
