import Testing
@testable import DLTData

@Suite struct DatasetTests {
    let dataset = Dataset(sampleShape: [2], count: 4, values: .float([0, 1, 10, 11, 20, 21, 30, 31]),
                          labels: [0, 1, 2, 3], targets: [0, 0, 1, 1, 2, 2, 3, 3], targetWidth: 2)

    @Test func subsetGathersValuesLabelsAndTargets() {
        let picked = dataset.subset([3, 1])
        #expect(picked.count == 2)
        #expect(picked.values == .float([30, 31, 10, 11]))
        #expect(picked.labels == [3, 1])
        #expect(picked.targets == [3, 3, 1, 1])
    }

    @Test func prefixAndTailSplit() {
        #expect(dataset.prefix(2).labels == [0, 1])
        #expect(dataset.prefix(99).count == 4)
        let (train, validation) = dataset.splitTail(fraction: 0.25)
        #expect(train.labels == [0, 1, 2])
        #expect(validation.labels == [3])
        #expect(validation.values == .float([30, 31]))
    }

    @Test func uint8StaysUint8() {
        let bytes = Dataset(sampleShape: [1], count: 3, values: .uint8([5, 6, 7]))
        #expect(bytes.subset([2, 0]).values == .uint8([7, 5]))
    }

    @Test func errorDescriptionIsOneLineNamingTheFile() {
        #expect(DataError(file: "a.csv", message: "line 2: bad").description == "a.csv: line 2: bad")
    }
}
