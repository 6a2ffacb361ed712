/// An error in how the engine was asked to work: a shape that does not fit, an impossible
/// kernel, a label out of range. The message names the layer and the shapes involved.
public struct EngineError: Error, CustomStringConvertible, Equatable, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
