import DLTConfig
import DLTCore
import DLTNN
@testable import DLTTrain
import Testing

/// The one training step: what each task scores the output against, and mse on class labels.
@Suite struct StepRunnerTests {
    private func setup(loss: String, units: Int = 10, activation: String = "softmax") throws -> ModelSetup {
        let text = """
        model:
          input: [6]
          layers:
            - dense: {units: 8, activation: relu}
            - dense: {units: \(units), activation: \(activation)}
        loss: \(loss)

        """
        return try ModelSetup(config: try ModelConfig.parse(text: text, file: "t.yaml"), threads: 1, seed: 3)
    }

    private func load(_ runner: StepRunner, batch: Int) {
        let inputs = (0..<batch * 6).map { Float($0 % 7) / 7 - 0.4 }
        inputs.withUnsafeBufferPointer { runner.load(inputs: $0, shape: [batch, 6]) }
    }

    /// mnist_mlp with `loss: mse` and integer labels: the labels are one-hot rows of the 10 outputs.
    @Test func mseOnATenClassModelScoresLabelsAsOneHotRows() throws {
        let setup = try setup(loss: "mse")
        #expect(setup.task == .regression(outputs: 10))
        let runner = setup.runner
        load(runner, batch: 4)
        let labels: [Int32] = [3, 0, 9, 5]
        let loss = try labels.withUnsafeBufferPointer { labels in
            let target = try runner.lossTarget(labels: labels, targets: nil)
            guard case .classes = target else { Issue.record("mse on labels must score class labels"); return Float.nan }
            setup.graph.zeroGradients()
            return try runner.step(target: target, context: LayerContext(split: setup.split, training: true), backward: true)
        }
        let output = setup.graph.outputTensor.array
        var expected = 0.0
        for (i, value) in output.enumerated() {
            let d = Double(value) - (i % 10 == Int(labels[i / 10]) ? 1 : 0)
            expected += d * d
        }
        #expect(abs(Double(loss) - expected / 40) < 1e-6)
        #expect(setup.graph.namedParameters.contains { $0.parameter.gradient.array.contains { $0 != 0 } })
    }

    @Test func floatTargetsComeFirstForMseAndLabelsForClassifiers() throws {
        let mse = try setup(loss: "mse", units: 2, activation: "linear")
        load(mse.runner, batch: 2)
        let labels: [Int32] = [1, 0]
        let targets: [Float] = [0.5, 0.25, 1, 0]
        try labels.withUnsafeBufferPointer { labels in
            try targets.withUnsafeBufferPointer { targets in
                guard case .values = try mse.runner.lossTarget(labels: labels, targets: targets) else {
                    Issue.record("mse prefers float targets"); return
                }
                let classifier = try setup(loss: "cross_entropy", units: 2)
                guard case .classes = try classifier.runner.lossTarget(labels: labels, targets: targets) else {
                    Issue.record("cross_entropy scores labels"); return
                }
            }
        }
        #expect(throws: EngineError.self) { try mse.runner.lossTarget(labels: nil, targets: nil) }
    }

    /// The data path has one label per sample: cross_entropy needs a vector of class scores.
    @Test func crossEntropyNeedsOneScoreVectorPerSample() throws {
        #expect(throws: EngineError.self) { try LearningTask.make(loss: .crossEntropy, output: [10, 4, 4], input: [1, 8, 8]) }
        #expect(try LearningTask.make(loss: .crossEntropy, output: [10], input: [1, 8, 8]) == .multiClass(classes: 10))
        #expect(try LearningTask.make(loss: .mse, output: [1, 8, 8], input: [1, 8, 8]) == .reconstruction)
    }
}
