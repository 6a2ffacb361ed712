import DLTCore

/// One thread slice's scratch memory for Conv2D, sized once per batch shape and reused every step.
/// Small enough to stay in the core's L2 cache (see `Conv2D.chunkFloats`).
final class Conv2DWorkspace {
    /// A chunk's columns (CKK, count*P); dColumns during backward.
    let columns = Tensor(shape: [0])
    /// The gemm output (F, count*P) in forward; dZ in the same layout in backward.
    let product = Tensor(shape: [0])

    /// With a fused max pool: one pooled plane's gradient, masked by ReLU.
    let pooledGradient = Tensor(shape: [0])

    func prepare(columns columnCount: Int, product productCount: Int, pooledPlane: Int) {
        if columns.count != columnCount { columns.resize(to: [columnCount]) }
        if product.count != productCount { product.resize(to: [productCount]) }
        if pooledGradient.count != pooledPlane { pooledGradient.resize(to: [pooledPlane]) }
    }
}
