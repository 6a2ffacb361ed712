/// One named float32 tensor: `values.count == shape.reduce(1, *)`, row-major (C order).
public struct NamedTensor: Equatable {
    public let name: String
    public let shape: [Int]
    public var values: [Float]

    public init(name: String, shape: [Int], values: [Float]) {
        self.name = name
        self.shape = shape
        self.values = values
    }

    /// Bitwise equality, so NaN payloads compare equal after a round trip.
    public static func == (lhs: NamedTensor, rhs: NamedTensor) -> Bool {
        lhs.name == rhs.name && lhs.shape == rhs.shape && lhs.values.count == rhs.values.count
            && zip(lhs.values, rhs.values).allSatisfy { $0.bitPattern == $1.bitPattern }
    }
}

/// The contents of a safetensors file: tensors in data order and the `__metadata__` string map.
public struct SafeTensorsFile: Equatable {
    public var tensors: [NamedTensor]
    public var metadata: [String: String]

    public init(tensors: [NamedTensor], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The tensor called `name`, if any.
    public subscript(name: String) -> NamedTensor? {
        tensors.first { $0.name == name }
    }
}
