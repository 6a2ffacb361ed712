import Foundation

/// How a parameter's first values are drawn (Keras' names; PyTorch's He = Keras' he).
/// fan_in and fan_out follow PyTorch's `_calculate_fan_in_and_fan_out` for the tensor's layout.
public enum Initializer: Equatable, Sendable {
    case glorotUniform, glorotNormal, heUniform, heNormal
    case normal(std: Float)
    case zeros, ones
    case constant(Float)
    /// Uniform in [-limit, limit] whatever the fans (PyTorch's recurrent layers: 1/√hidden).
    case uniform(limit: Float)

    /// Names accepted in configs (`init: he_normal`), in the order the docs list them.

    public func fill(_ tensor: Tensor, fanIn: Int, fanOut: Int, random: inout SeededRandom) {
        let buffer = tensor.buffer
        let fi = Float(max(fanIn, 1)), fo = Float(max(fanOut, 1))
        switch self {
        case .glorotUniform:
            let limit = (6 / (fi + fo)).squareRoot()
            for i in buffer.indices { buffer[i] = random.uniform(-limit, limit) }
        case .glorotNormal:
            let std = (2 / (fi + fo)).squareRoot()
            for i in buffer.indices { buffer[i] = random.normal(std: std) }
        case .heUniform:
            let limit = (6 / fi).squareRoot()
            for i in buffer.indices { buffer[i] = random.uniform(-limit, limit) }
        case .heNormal:
            let std = (2 / fi).squareRoot()
            for i in buffer.indices { buffer[i] = random.normal(std: std) }
        case .normal(let std):
            for i in buffer.indices { buffer[i] = random.normal(std: std) }
        case .zeros: tensor.fill(0)
        case .ones: tensor.fill(1)
        case .constant(let value): tensor.fill(value)
        case .uniform(let limit):
            for i in buffer.indices { buffer[i] = random.uniform(-limit, limit) }
        }
    }
}
