import DLTCore

/// A recurrent layer over a sequence, PyTorch's nn.LSTM / nn.GRU (batch_first, one layer):
/// x (N, L, F) -> y (N, L, D·U) with `returnSequences`, else the last state (N, D·U), where D is
/// 2 when bidirectional (forward direction first, then backward, as PyTorch concatenates).
///
/// Per direction and thread slice: the input part W_ih·x + b_ih of every position in one sgemm,
/// then per step one product of the slice's previous h against W_hh (`addRecurrentProduct`)
/// and the cell's gate arithmetic. Backward through time keeps the per-position gate gradients, so the weight
/// gradients and dX are single sgemms over all N·L positions afterwards.
///
/// Masks (`embedding` with mask_zero): at a padded position the state is carried unchanged and
/// the output is zero, so the last state is the state after the last real token and the backward
/// direction starts there, as with PyTorch's packed sequences and ONNX's sequence_lens.
///
/// Reading an embedding, an inference pass can run a copy that takes token ids and looks each
/// position's input part up in a `TokenProjectionTable` (`tokenReadingCopy(of:)`).
public final class RecurrentLayer: InitializableLayer, SequenceMaskConsumer, TokenTableReadingLayer {
    public let name: String
    public var typeName: String { cell.typeName }
    public let units: Int
    public let returnSequences: Bool
    public let bidirectional: Bool
    let cell: RecurrentCell
    private(set) var directions: [RecurrentDirection] = []
    private(set) var shape = RecurrentShape(length: 0, features: 0, units: 0, gates: 0)
    /// (N, L): 1 at real tokens, 0 at padding; nil without mask_zero.
    private var mask: Tensor?
    /// U zeros: the state and h before the first step.
    private let zeros: Tensor
    /// N·L ones, for the bias gradients' column sums as a gemm.
    private let ones: Tensor
    /// Set in a token-reading copy: its input is token ids, its input parts come from here.
    let tokenProjection: TokenProjectionTable?
    var zerosPointer: UnsafeMutablePointer<Float> { zeros.pointer }
    var onesPointer: UnsafeMutablePointer<Float> { ones.pointer }

    init(name: String, cell: RecurrentCell, units: Int, returnSequences: Bool, bidirectional: Bool) {
        self.name = name; self.cell = cell; self.units = units
        self.returnSequences = returnSequences; self.bidirectional = bidirectional
        zeros = Tensor(shape: [0]); ones = Tensor(shape: [0]); tokenProjection = nil
    }

    /// A copy of `source` (built) that shares its weights and buffers and reads token ids.
    private init(reading table: TokenProjectionTable, as source: RecurrentLayer) {
        name = source.name; cell = source.cell; units = source.units
        returnSequences = source.returnSequences; bidirectional = source.bidirectional
        directions = source.directions; shape = source.shape
        zeros = source.zeros; ones = source.ones; tokenProjection = table
    }

    public func tokenReadingCopy(of embedding: TokenTableLayer) -> Layer? {
        guard let table = TokenProjectionTable(embedding: embedding.tokenTable, directions: directions,
                                               gateWidth: shape.gateWidth) else { return nil }
        return RecurrentLayer(reading: table, as: self)
    }

    public static func lstm(name: String, units: Int, returnSequences: Bool = false, bidirectional: Bool = false) -> RecurrentLayer {
        RecurrentLayer(name: name, cell: LSTMCell(), units: units, returnSequences: returnSequences, bidirectional: bidirectional)
    }

    public static func gru(name: String, units: Int, returnSequences: Bool = false, bidirectional: Bool = false) -> RecurrentLayer {
        RecurrentLayer(name: name, cell: GRUCell(), units: units, returnSequences: returnSequences, bidirectional: bidirectional)
    }

    public var parameters: [Parameter] { directions.flatMap(\.parameters) }

    /// PyTorch's default: every weight and bias uniform in ±1/√U.
    public var parameterInits: [ParameterInit] {
        let limit = 1 / Float(units).squareRoot()
        return parameters.map { ParameterInit($0, .uniform(limit: limit), fanIn: shape.features, fanOut: units) }
    }

    public func useMask(_ mask: Tensor?) { self.mask = mask }
    /// L, the positions of the input sequence.
    public var sequenceLength: Int { shape.length }
    /// Whether the graph gave this layer a padding mask.
    public var isMasked: Bool { mask != nil }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try expectInputs(inputShapes, count: 1)
        guard units > 0 else { throw EngineError("layer '\(name)' (\(typeName)): units must be positive, got \(units)") }
        try expectRank(inputShapes[0], 2, what: "a sequence (length, features), e.g. an embedding's output")
        let s = inputShapes[0]
        shape = RecurrentShape(length: s[0], features: s[1], units: units, gates: cell.gateCount)
        directions = (bidirectional ? [false, true] : [false]).map {
            RecurrentDirection(reverse: $0, gates: cell.gateCount, units: units, features: s[1])
        }
        zeros.resize(to: [units])
        zeros.zero()
        let width = directions.count * units
        return returnSequences ? [s[0], width] : [width]
    }

    public var flopsPerSample: Int {
        directions.count * shape.length * 2 * shape.gateWidth * (shape.features + units)
    }

    private func prepare(batch n: Int) {
        for d in directions {
            d.prepare(batch: n, length: shape.length, gates: shape.gates, units: units, separateParts: !cell.sumsParts,
                      directStepProducts: shape.directStepProducts)
        }
        if ones.count != n * shape.length { ones.resize(to: [n * shape.length]); ones.fill(1) }
    }

    /// Whether sample n's position t is padding.
    @inline(__always)
    func isPadding(_ n: Int, _ t: Int) -> Bool {
        guard let mask else { return false }
        return mask.pointer[n * shape.length + t] == 0
    }

    public func forward(inputs: [Tensor], output: Tensor, context: LayerContext) {
        let x = inputs[0], n = x.shape[0]
        prepare(batch: n)
        for d in directions {
            let gu = shape.gateWidth
            if cell.sumsParts {
                let sum = d.summedBias.pointer, ih = d.biasIH.value.pointer, hh = d.biasHH.value.pointer
                for k in 0..<gu { sum[k] = ih[k] + hh[k] }
            }
            if shape.directStepProducts {
                SmallProduct.transpose(d.weightHH.value.pointer, rows: gu, columns: units, ldb: units,
                                       into: d.recurrentWeightTransposed.pointer)
            }
        }
        tokenProjection?.refresh { self.inputPartBias(self.directions[$0]) }
        context.split.forEachSlice(of: n) { _, samples in
            for (k, d) in directions.enumerated() {
                projectInput(x, direction: k, samples)
                for step in 0..<shape.length { forwardStep(step, d, samples, keepsHistory: !context.inferenceOnly) }
            }
            writeOutput(output, samples)
        }
    }

    /// b_ih, or b_ih + b_hh when the cell sums the parts.
    private func inputPartBias(_ d: RecurrentDirection) -> UnsafePointer<Float> {
        UnsafePointer(cell.sumsParts ? d.summedBias.pointer : d.biasIH.value.pointer)
    }

    /// inputPart rows of `samples` = x·W_ihᵀ + `inputPartBias`; looked up by token id in a
    /// token-reading copy, whose x is the ids.
    private func projectInput(_ x: Tensor, direction k: Int, _ samples: Range<Int>) {
        let d = directions[k], l = shape.length, f = shape.features, gu = shape.gateWidth
        let rows = samples.count * l, out = d.inputPart.pointer + samples.lowerBound * l * gu
        if let tokenProjection {
            return tokenProjection.lookUp(direction: k, ids: x.pointer + samples.lowerBound * l, rows: rows, into: out)
        }
        Gemm.multiply(transposeB: true, m: rows, n: gu, k: f, a: x.pointer + samples.lowerBound * l * f, lda: f,
                      b: d.weightIH.value.pointer, ldb: f, rowBias: inputPartBias(d), c: out, ldc: gu)
    }

    /// One step of one direction for `samples`: the recurrent sgemm, then each sample's cell (or
    /// its carried state at padding). `keepsHistory`: save each position's h_prev for backward.
    private func forwardStep(_ step: Int, _ d: RecurrentDirection, _ samples: Range<Int>, keepsHistory: Bool) {
        let l = shape.length, u = units, gu = shape.gateWidth
        let t = d.position(step, length: l), tPrev = d.position(step - 1, length: l)
        let r = d.recurrentPart.pointer
        let hiddenBefore = d.hidden.pointer + (samples.lowerBound * l + tPrev) * u
        if cell.sumsParts {
            // Into the input part at position t; the biases are in it already, and h_0 = 0.
            if step > 0 {
                addRecurrentProduct(d, samples, hidden: hiddenBefore, lda: l * u,
                                    into: d.inputPart.pointer + (samples.lowerBound * l + t) * gu, ldc: l * gu)
            }
        } else {
            for s in samples { (r + s * gu).update(from: d.biasHH.value.pointer, count: gu) }
            if step > 0 { addRecurrentProduct(d, samples, hidden: hiddenBefore, lda: l * u, into: r + samples.lowerBound * gu, ldc: gu) }
        }
        for s in samples {
            let at = s * l + t, before = s * l + tPrev
            let hPrev = step > 0 ? UnsafePointer(d.hidden.pointer + before * u) : UnsafePointer(zeros.pointer)
            let statePrev = step > 0 ? UnsafePointer(d.state.pointer + before * u) : UnsafePointer(zeros.pointer)
            if keepsHistory { (d.previousHidden.pointer + at * u).update(from: hPrev, count: u) }
            if isPadding(s, t) {
                (d.hidden.pointer + at * u).update(from: hPrev, count: u)
                (d.state.pointer + at * u).update(from: statePrev, count: u)
                continue
            }
            cell.forward(units: u, x: d.inputPart.pointer + at * gu, r: cell.sumsParts ? nil : UnsafePointer(r + s * gu), hPrev: hPrev, statePrev: statePrev,
                         gates: d.gates.pointer + at * gu, state: d.state.pointer + at * u, h: d.hidden.pointer + at * u)
        }
    }

    /// c (+)= h_prev · W_hhᵀ for the slice's samples (rows `lda` and `ldc` apart).
    private func addRecurrentProduct(_ d: RecurrentDirection, _ samples: Range<Int>, hidden: UnsafePointer<Float>, lda: Int,
                                     into c: UnsafeMutablePointer<Float>, ldc: Int) {
        let u = units, gu = shape.gateWidth
        if shape.directStepProducts {
            SmallProduct.accumulate(m: samples.count, n: gu, k: u, a: hidden, lda: lda,
                                    b: d.recurrentWeightTransposed.pointer, ldb: gu, c: c, ldc: ldc)
        } else {
            Gemm.multiply(transposeB: true, m: samples.count, n: gu, k: u, a: hidden, lda: lda,
                          b: d.weightHH.value.pointer, ldb: u, beta: 1, c: c, ldc: ldc)
        }
    }

    /// y from every direction's h: per position (zero at padding), or each direction's last state.
    private func writeOutput(_ output: Tensor, _ samples: Range<Int>) {
        let l = shape.length, u = units, width = directions.count * u
        for (k, d) in directions.enumerated() {
            for s in samples {
                if returnSequences {
                    for t in 0..<l {
                        let y = output.pointer + (s * l + t) * width + k * u
                        if isPadding(s, t) { y.update(repeating: 0, count: u) } else {
                            y.update(from: d.hidden.pointer + (s * l + t) * u, count: u)
                        }
                    }
                } else {
                    let last = d.position(l - 1, length: l)
                    (output.pointer + s * width + k * u).update(from: d.hidden.pointer + (s * l + last) * u, count: u)
                }
            }
        }
    }
}
