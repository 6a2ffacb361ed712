import DLTCore
import DLTNN
import DLTTestSupport
import Testing

struct DropoutTests {
    static let count = 10_000
    static let ones = [Float](repeating: 1, count: count)

    @Test func evaluationIsTheIdentity() throws {
        let values = (0..<12).map { Float($0) - 5.5 }
        let y = try forwardOnce(Dropout(name: "d", rate: 0.5), inputShapes: [[6]], batch: 2, values: [values])
        #expect(y.array == values)
    }

    @Test func trainingZeroesAboutRateAndScalesTheRest() throws {
        let y = try forwardOnce(Dropout(name: "d", rate: 0.3), inputShapes: [[Self.count]], batch: 1,
                                values: [Self.ones], training: true, stepSeed: 9)
        #expect(y.array.allSatisfy { $0 == 0 || abs($0 - 1 / 0.7) < 1e-6 })
        let dropped = y.array.filter { $0 == 0 }.count
        // Binomial(10000, 0.3): standard deviation about 46.
        #expect(abs(dropped - 3000) < 250)
    }

    @Test func masksDependOnlyOnStepSeedAndLayerName() throws {
        func mask(_ name: String, seed: UInt64, threads: Int) throws -> [Float] {
            try forwardOnce(Dropout(name: name, rate: 0.5), inputShapes: [[100]], batch: 4,
                            values: [Array(Self.ones.prefix(400))], training: true, stepSeed: seed, threads: threads).array
        }
        let reference = try mask("dropout_3", seed: 42, threads: 1)
        #expect(try mask("dropout_3", seed: 42, threads: 2) == reference)
        #expect(try mask("dropout_3", seed: 43, threads: 1) != reference)
        #expect(try mask("dropout_4", seed: 42, threads: 1) != reference)
    }

    @Test(arguments: [(Float(0.5), true), (0.2, true), (0.0, true), (0.5, false)])
    func gradients(rate: Float, training: Bool) throws {
        var check = GradientCheck()
        check.batch = 3
        check.training = training
        try check.expectCorrect(Dropout(name: "dropout_0", rate: rate), inputShapes: [[2, 3, 3]])
    }

    @Test func rejectsARateOfOneNamingTheLayer() {
        let error = engineError { _ = try Dropout(name: "drop_all", rate: 1).build(inputShapes: [[4]]) }
        #expect(error?.message.contains("drop_all") == true)
    }
}
