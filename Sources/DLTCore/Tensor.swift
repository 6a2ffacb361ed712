/// A contiguous float32 array with a shape. Tensors are reference types so that layers can keep
/// and reuse their buffers from step to step; the storage is allocated once and freed on deinit.
public final class Tensor: @unchecked Sendable, CustomStringConvertible {
    public private(set) var shape: Shape
    /// Capacity in elements; `reshape` may shrink the logical size without reallocating.
    public private(set) var capacity: Int
    public private(set) var storage: UnsafeMutableBufferPointer<Float>
    /// False while the tensor views another's storage (see `share`).
    private var ownsStorage = true

    /// A zero-filled tensor.
    public init(shape: Shape) {
        self.shape = shape
        self.capacity = max(shape.count, 1)
        self.storage = .allocate(capacity: capacity)
        storage.initialize(repeating: 0)
    }

    public convenience init(shape: Shape, values: [Float]) {
        precondition(values.count == shape.count, "Tensor: \(values.count) values do not fill shape \(shape)")
        self.init(shape: shape)
        _ = UnsafeMutableBufferPointer(rebasing: storage[0..<values.count]).initialize(from: values)
    }

    public convenience init(shape: Shape, repeating value: Float) {
        self.init(shape: shape)
        fill(value)
    }

    deinit { if ownsStorage { storage.deallocate() } }

    public var count: Int { shape.count }
    /// The elements in use, as a buffer (the first `count` of the storage).
    public var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: storage.baseAddress, count: shape.count)
    }
    public var pointer: UnsafeMutablePointer<Float> { storage.baseAddress! }
    public var array: [Float] { Array(buffer) }

    public subscript(_ index: Int) -> Float {
        get { storage[index] }
        set { storage[index] = newValue }
    }

    /// Gives the tensor a new shape, growing the storage only when it is too small.
    /// The contents are unspecified after a resize that grows; used for batch-size changes.
    public func resize(to newShape: Shape) {
        if newShape.count > capacity {
            if ownsStorage { storage.deallocate() }
            capacity = newShape.count
            storage = .allocate(capacity: capacity)
            storage.initialize(repeating: 0)
            ownsStorage = true
        }
        shape = newShape
    }

    /// Makes this tensor a view of `base`'s elements under `newShape` (same count): the graph's
    /// zero-copy Flatten and Reshape. The view is valid until `base` reallocates, so the owner
    /// of both must share again after resizing `base`.
    public func share(_ base: Tensor, shape newShape: Shape) {
        precondition(newShape.count == base.count, "share \(base.shape) as \(newShape): counts differ")
        if ownsStorage { storage.deallocate() }
        storage = base.storage
        capacity = base.capacity
        shape = newShape
        ownsStorage = false
    }

    /// Reinterprets the same elements under another shape with the same count.
    public func reshape(to newShape: Shape) {
        precondition(newShape.count == shape.count, "reshape \(shape) to \(newShape): counts differ")
        shape = newShape
    }

    public func fill(_ value: Float) {
        if shape.count > 0 { buffer.update(repeating: value) }
    }
    public func zero() { fill(0) }

    public func copy(from other: Tensor) {
        precondition(other.count == count, "copy: \(other.shape) into \(shape)")
        if count > 0 { pointer.update(from: other.pointer, count: count) }
    }

    public func clone() -> Tensor {
        let t = Tensor(shape: shape)
        t.copy(from: self)
        return t
    }

    public var description: String { "Tensor\(shape)" }
}
