import DLTCore
import DLTOptim
import Testing

/// A step cut over threads gives every optimizer the serial step's bits: parameters of odd
/// sizes (the cuts fall inside them and off their 16-lane blocks), a frozen one left as it was.
@Suite struct ThreadedStepTests {
    static let makers: [(String, ([NamedParameter]) -> any Optimizer)] = [
        ("sgd", { SGD(parameters: $0, learningRate: 0.01) }),
        ("sgd nesterov", { SGD(parameters: $0, learningRate: 0.01, momentum: 0.9, nesterov: true, weightDecay: 0.01) }),
        ("adam", { Adam(parameters: $0, learningRate: 0.01, weightDecay: 0.02) }),
        ("adamw", { AdamW(parameters: $0, learningRate: 0.01) }),
        ("rmsprop", { RMSProp(parameters: $0, learningRate: 0.01, momentum: 0.5) }),
        ("adagrad", { AdaGrad(parameters: $0, learningRate: 0.01) }),
    ]

    func parameters() -> [NamedParameter] {
        [5, 20_003, 17, 16_411, 33].enumerated().map { k, count in
            let values = (0..<count).map { Float((0.37 * Double($0 + k)).truncatingRemainder(dividingBy: 2) - 1) }
            let named = makeParameter("p\(k).weight", values)
            named.parameter.isFrozen = k == 2
            return named
        }
    }

    /// Each parameter's values after 3 steps, then the optimizer's state, flattened.
    func run(_ make: ([NamedParameter]) -> any Optimizer, split: ThreadSplit?) -> [[Float]] {
        let named = parameters()
        let optimizer = make(named)
        for step in 1...3 {
            for p in named {
                let g = syntheticGradient(theta: p.parameter.value.array.map(Double.init), step: step)
                set(p.parameter.gradient, g)
            }
            optimizer.step(split: split)
        }
        return named.map(\.parameter.value.array) + [optimizer.stateTensors.flatMap(\.tensor.array)]
    }

    @Test(arguments: 0..<makers.count)
    func threadsGiveTheSerialBits(index: Int) {
        let (name, make) = Self.makers[index]
        let serial = run(make, split: nil)
        let threaded = run(make, split: ThreadSplit(threads: 2))
        #expect(serial == threaded, "\(name)")
        #expect(serial[2] == parameters()[2].parameter.value.array, "\(name): frozen")
        #expect(serial[1] != parameters()[1].parameter.value.array, "\(name): stepped")
    }
}
