import Foundation
import Testing

/// `dlt summary`: parameter counts of the reference models (configs/, Keras' numbers for the same layers).
@Suite struct SummaryCommandTests {
    @Test(arguments: [("mnist_cnn", "121,930"), ("mnist_cnn3", "93,322"), ("cifar10_cnn", "122,570"), ("mnist_mlp", "50,890")])
    func totalParameters(config: String, total: String) async throws {
        let result = await runDLT(["summary", try await SharedRuns.config(config).path])
        #expect(result.code == 0, "\(result.transcript)")
        #expect(result.stdout.contains("Total params: \(total)\n"), "\(result.stdout)")
    }

    @Test func listsEveryLayerWithItsShape() async throws {
        let result = await runDLT(["summary", "configs/mnist_cnn.yaml"])
        #expect(result.code == 0, "\(result.transcript)")
        for layer in ["conv2d_0", "maxpool2d_1", "conv2d_2", "maxpool2d_3", "flatten_4", "dense_5", "dense_6"] {
            #expect(result.stdout.contains(layer), "summary lacks \(layer)")
        }
        // After two valid 3x3 convs and two 2x2 pools: 64 x 5 x 5 = 1600 features.
        #expect(result.stdout.contains("(1600)"))
    }
}
