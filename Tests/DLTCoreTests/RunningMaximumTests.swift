import DLTCore
import Testing

/// The 8-lane fold against the rule written out one value at a time: greater wins, a tie keeps
/// the first, NaN over a number wins, a number over NaN does not; lanes and tail alike.
struct RunningMaximumTests {
    @Test(arguments: [3, 8, 19])
    func foldFollowsTheScalarRule(_ count: Int) {
        let candidates: [Float] = [1, -2, .nan, 0.5, 3, .nan, -1, 2]
        var random = SeededRandom(seed: 5)
        for step in 0..<6 {
            let best = (0..<count).map { _ in candidates[Int(random.uniform(0, 7.99))] }
            let row = (0..<count).map { i in i % 5 == 0 ? best[i] : candidates[Int(random.uniform(0, 7.99))] }
            let index = (0..<count).map { Int32($0) }
            var folded = best, foldedIndex = index
            RunningMaximum.fold(row, into: &folded, index: &foldedIndex, position: 100, count: count)
            for i in 0..<count {
                let wins = row[i] > best[i] || (row[i].isNaN && !best[i].isNaN)
                let expected = wins ? row[i] : best[i]
                #expect(folded[i].bitPattern == expected.bitPattern, "step \(step), value \(i)")
                #expect(foldedIndex[i] == (wins ? 100 : index[i]), "step \(step), index \(i)")
            }
        }
    }
}
