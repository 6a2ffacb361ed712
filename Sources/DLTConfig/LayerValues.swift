/// `activation:` on dense and convolution layers.
public enum ActivationName: String, CaseIterable, Sendable {
    case linear, relu, leakyRelu = "leaky_relu", sigmoid, tanh, gelu, softmax
}

/// `init:` on layers with weights: a name, or `{name: normal, std: …}` / `{name: constant, value: …}`.
public enum InitializerSpec: Equatable, Sendable {
    case glorotUniform, glorotNormal, heUniform, heNormal
    /// std 0.05 (Keras' RandomNormal) unless given.
    case normal(std: Double)
    case zeros, ones
    /// 0 unless given.
    case constant(Double)

    /// Config names, the PyTorch spellings (xavier, kaiming) included, in the order docs list them.
    public static let names = ["glorot_uniform", "glorot_normal", "he_uniform", "he_normal",
                               "xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal",
                               "normal", "zeros", "ones", "constant"]

    /// The spec a name stands for; `std` and `value` only reach normal and constant.
    static func named(_ name: String, std: Double?, value: Double?) -> InitializerSpec? {
        switch name {
        case "glorot_uniform", "xavier_uniform": return .glorotUniform
        case "glorot_normal", "xavier_normal": return .glorotNormal
        case "he_uniform", "kaiming_uniform": return .heUniform
        case "he_normal", "kaiming_normal": return .heNormal
        case "normal": return .normal(std: std ?? 0.05)
        case "zeros": return .zeros
        case "ones": return .ones
        case "constant": return .constant(value ?? 0)
        default: return nil
        }
    }
}
