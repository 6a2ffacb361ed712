import DLTCore
import DLTNN

/// Builds `layer`, lets `prepare` set its parameters, runs one forward pass on `values`
/// (batch first, one array per input) and returns the output.
public func forwardOnce(_ layer: Layer, inputShapes: [Shape], batch: Int, values: [[Float]],
                 training: Bool = false, stepSeed: UInt64 = 0, threads: Int = 1,
                 prepare: () -> Void = {}) throws -> Tensor {
    let outputShape = try layer.build(inputShapes: inputShapes)
    prepare()
    let xs = zip(inputShapes, values).map { Tensor(shape: $0.0.batched(batch), values: $0.1) }
    let output = Tensor(shape: outputShape.batched(batch))
    layer.forward(inputs: xs, output: output,
                  context: LayerContext(split: ThreadSplit(threads: threads), training: training, stepSeed: stepSeed))
    return output
}

/// True when every pair of values differs by at most `tolerance`.
public func allClose(_ a: [Float], _ b: [Float], tolerance: Float = 1e-5) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance }
}

/// Runs `body` and returns the EngineError it throws, or nil.
public func engineError(_ body: () throws -> Void) -> EngineError? {
    do { try body() } catch let error as EngineError { return error } catch { return nil }
    return nil
}
