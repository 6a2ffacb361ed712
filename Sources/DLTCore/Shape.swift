/// The dimensions of a tensor, outermost first (NCHW for images: batch, channels, height, width).
public struct Shape: Equatable, Hashable, Sendable, CustomStringConvertible, ExpressibleByArrayLiteral {
    public var dims: [Int]

    public init(_ dims: [Int]) { self.dims = dims }
    public init(arrayLiteral elements: Int...) { self.dims = elements }

    /// Number of elements: the product of the dimensions (1 for a scalar shape).
    public var count: Int { dims.reduce(1, *) }
    public var rank: Int { dims.count }
    public subscript(_ axis: Int) -> Int { dims[axis] }

    /// This shape with a batch dimension in front.
    public func batched(_ batch: Int) -> Shape { Shape([batch] + dims) }
    /// This shape without its first (batch) dimension.
    public var perSample: Shape { Shape(Array(dims.dropFirst())) }

    /// "(32, 1, 28, 28)", the way PyTorch prints a size.
    public var description: String { "(" + dims.map(String.init).joined(separator: ", ") + ")" }
}
