import DLTCore

/// What a layer can do besides forward and backward, asked by the graph and the exporters
/// through these protocols instead of by the layer's concrete type.

/// A layer that applies an activation to its own output (dense, convolutions, activation
/// layers). A fused loss (softmax cross-entropy, sigmoid binary cross-entropy) takes a final
/// layer's activation over: the graph sets it to `.identity` and the loss gets logits.
public protocol OutputActivationLayer: Layer {
    var activation: Activation { get set }
}

/// The forms of a layer that a producer may run inside its own pass, on its output while it is
/// in cache.
public enum FusibleOperation: Equatable, Sendable {
    /// Max pooling with a 2x2 window, stride 2, no padding.
    case maxPool2x2
    /// ReLU as a layer of its own (batchnorm → relu, add → relu).
    case relu
    /// The mean over a sequence's positions (global_avgpool1d; over the real ones with a mask).
    case sequenceMean
}

/// A layer that can describe itself as a `FusibleOperation` (nil when its settings are not one).
public protocol FusibleLayer: Layer {
    var fusibleOperation: FusibleOperation? { get }
}

/// A layer that can run the layer after it inside itself.
public protocol AbsorbingLayer: Layer {
    /// Takes `operation` (of the only layer reading this one's output) into this layer from now
    /// on, and returns true; or returns false and changes nothing. Once absorbed, `forward`
    /// writes the follower's output and `backward` reads the follower's output gradient.
    func absorb(_ operation: FusibleOperation) -> Bool
}

/// A layer whose input is token ids (embedding): every id must be below `vocabularySize`.
public protocol TokenInputLayer: Layer {
    var vocabularySize: Int { get }
}

// Sequence masks (`embedding: {mask_zero: true}`): a mask is a tensor (N, L) holding 1 at real
// tokens and 0 at padding, written by its producer's forward each step. The graph hands each
// consumer the mask of its input: the producer's own, passed along by the layers that keep
// positions, or nil.

/// A layer that marks the padded positions of its output sequence (embedding with mask_zero).
public protocol SequenceMaskProducer: Layer {
    /// (N, L), filled by `forward`; nil when this layer makes no mask (mask_zero off).
    var outputMask: Tensor? { get }
}

/// A layer whose output positions are its input's positions (per-position dense, layernorm,
/// dropout, activations, add, attention, positional embedding, a recurrent layer returning
/// sequences): the mask of its first input is the mask of its output.
public protocol SequenceMaskPassing: Layer {}

/// A layer that leaves padded positions out (global pools, recurrent layers, attention keys).
public protocol SequenceMaskConsumer: Layer {
    /// Called when the graph plans, with the (N, L) mask of the layer's first input or nil.
    /// The tensor's values change every step; the layer reads them in forward and backward.
    func useMask(_ mask: Tensor?)
}

// Inference plans (`LayerContext.inferenceOnly`): no backward follows, so a graph may run
// layers in forms that only hold in evaluation mode.

/// A layer that is the identity in evaluation mode (dropout): an inference plan does not run it.
public protocol IdentityAtInference: Layer {}

/// A layer that is a per-channel affine map y = scale · x + shift in evaluation mode (batchnorm
/// with its running statistics), over (C, ...) per sample.
public protocol ChannelAffineAtInference: Layer {
    var affineChannels: Int { get }
    /// Writes the current scale and shift, `affineChannels` each.
    func inferenceAffine(scale: UnsafeMutablePointer<Float>, shift: UnsafeMutablePointer<Float>)
}

/// A layer that is the elementwise sum of its inputs (add), which a folded producer can compute.
public protocol ElementwiseSumLayer: Layer {}

/// A layer that is only an activation (relu, sigmoid, …), which a folded producer can apply.
public protocol StandaloneActivationLayer: Layer {
    var activation: Activation { get }
}

/// A layer that can make a copy of itself for inference with a per-output-channel affine map
/// and an activation folded in: conv + batchnorm (+ relu) as one convolution.
public protocol AffineFoldingLayer: Layer {
    /// Output channels (axis 0 of the per-sample output).
    var foldingChannels: Int { get }
    /// The folded copy, or nil when this layer cannot fold (its own activation is not linear).
    /// With `addsResidual` the copy's forward takes a second input, added before the activation
    /// (conv → batchnorm → add → relu, the residual block); nil when the layer cannot.
    func foldedCopy(activation: Activation, addsResidual: Bool) -> AffineFoldedLayer?
}

/// The folded copy of an `AffineFoldingLayer`: its weights are refolded from the source's
/// current ones before each use, so that training between uses is seen.
public protocol AffineFoldedLayer: Layer {
    func refold(scale: UnsafePointer<Float>, shift: UnsafePointer<Float>)
}

/// A layer that looks each token id up in a table of rows (embedding), which the layer reading
/// it can map through its own input weights once and then look up itself at inference.
public protocol TokenTableLayer: TokenInputLayer {
    /// (vocabularySize, row width); an id outside it gives a zero row.
    var tokenTable: Parameter { get }
}

/// A layer whose forward starts with the same affine map of every position's features (a
/// recurrent layer's input part), which at inference it can read per token from a table of the
/// embedding's mapped rows: one lookup per position in place of the product.
public protocol TokenTableReadingLayer: Layer {
    /// A copy for inference passes whose input is the ids `embedding` reads, sharing this layer's
    /// weights and buffers; nil when the mapped table would be too large to be worth keeping.
    func tokenReadingCopy(of embedding: TokenTableLayer) -> Layer?
}
