import DLTCore
import DLTOptim
import Foundation
import Testing

/// Three torch.optim steps recorded by scripts/make_fixtures.py (Tests/Fixtures/optim_*.json):
/// the same gradients fed to dlt's optimizer must give the same parameter after every step.
@Suite struct PyTorchOptimizerFixtureTests {
    struct Steps {
        let config: [String: Any]
        let tensors: [String: [Float]]

        init(_ name: String, filePath: String = #filePath) throws {
            let url = URL(fileURLWithPath: filePath).deletingLastPathComponent()
                .appendingPathComponent("../Fixtures/\(name).json").standardized
            let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
            #expect(document["torch_version"] is String && document["seed"] is Int)
            config = try #require(document["config"] as? [String: Any])
            let raw = try #require(document["tensors"] as? [String: [String: Any]])
            tensors = raw.compactMapValues { ($0["data"] as? [NSNumber])?.map(\.floatValue) }
        }

        func number(_ key: String) throws -> Float { try #require((config[key] as? NSNumber)?.floatValue) }
    }

    func replay(_ steps: Steps, _ makeOptimizer: ([NamedParameter]) throws -> any Optimizer) throws {
        let named = makeParameter("dense_0.weight", try #require(steps.tensors["initial"]))
        let optimizer = try makeOptimizer([named])
        let count = try #require(steps.config["steps"] as? Int)
        for step in 1...count {
            set(named.parameter.gradient, try #require(steps.tensors["gradient_\(step)"]))
            optimizer.step()
            let expected = try #require(steps.tensors["value_\(step)"])
            for (i, (mine, torch)) in zip(named.parameter.value.array, expected).enumerated() {
                #expect(abs(mine - torch) <= 1e-5 + 1e-4 * abs(torch), "step \(step) element \(i): \(mine) vs PyTorch \(torch)")
            }
        }
        #expect(optimizer.stepCount == count)
    }

    @Test func adamWithWeightDecay() throws {
        let s = try Steps("optim_adam")
        try replay(s) {
            Adam(parameters: $0, learningRate: try s.number("lr"), beta1: try s.number("beta1"),
                 beta2: try s.number("beta2"), epsilon: try s.number("epsilon"), weightDecay: try s.number("weight_decay"))
        }
    }

    @Test func sgdWithMomentumAndWeightDecay() throws {
        let s = try Steps("optim_sgd_momentum")
        try replay(s) {
            SGD(parameters: $0, learningRate: try s.number("lr"), momentum: try s.number("momentum"),
                nesterov: try #require(s.config["nesterov"] as? Bool), weightDecay: try s.number("weight_decay"))
        }
    }
}
