import DLTCore

/// Backward through time for `RecurrentLayer`.
extension RecurrentLayer {
    public func backward(inputs: [Tensor], output: Tensor, outputGradient: Tensor,
                         inputGradients: [Tensor?], context: LayerContext) {
        precondition(tokenProjection == nil, "a token-reading copy runs in inference passes only")
        let x = inputs[0], n = x.shape[0]
        context.split.forEachSlice(of: n) { _, samples in
            for (k, d) in directions.enumerated() {
                // This slice's rows only: the other slices run at the same time.
                (d.hiddenCarry.pointer + samples.lowerBound * units).update(repeating: 0, count: samples.count * units)
                (d.stateCarry.pointer + samples.lowerBound * units).update(repeating: 0, count: samples.count * units)
                for step in stride(from: shape.length - 1, through: 0, by: -1) {
                    backwardStep(step, d, direction: k, outputGradient, samples)
                }
                if let dx = inputGradients[0] { addInputGradient(dx, d, first: k == 0, samples) }
            }
        }
        for d in directions { addParameterGradients(x, d, context: context, batch: n) }
    }

    /// One step back: dL/dh at the step (carried + this position's output gradient), the cell's
    /// gate gradients, and the carry to the step before through W_hh.
    private func backwardStep(_ step: Int, _ d: RecurrentDirection, direction k: Int, _ dy: Tensor, _ samples: Range<Int>) {
        let l = shape.length, u = units, gu = cell.gateCount * u, width = directions.count * u
        let t = d.position(step, length: l), tPrev = d.position(step - 1, length: l)
        for s in samples {
            let at = s * l + t
            let carry = d.hiddenCarry.pointer + s * u, dh = d.stepGradient.pointer + s * u
            dh.update(from: carry, count: u)
            if let injected = outputGradientRow(dy, sample: s, position: t, step: step, direction: k, width: width) {
                for j in 0..<u { dh[j] += injected[j] }
            }
            let dzx = d.inputGradient.pointer + at * gu
            let dzh = cell.sumsParts ? nil : d.recurrentGradient.pointer + at * gu
            if isPadding(s, t) {
                // The state passed through unchanged: so does its gradient, the last state's included.
                carry.update(from: dh, count: u)
                dzx.update(repeating: 0, count: gu)
                dzh?.update(repeating: 0, count: gu)
                continue
            }
            let statePrev = step > 0 ? UnsafePointer(d.state.pointer + (s * l + tPrev) * u) : UnsafePointer(zerosPointer)
            cell.backward(units: u, dh: dh, dState: d.stateCarry.pointer + s * u, gates: d.gates.pointer + at * gu,
                          state: d.state.pointer + at * u, statePrev: statePrev, hPrev: d.previousHidden.pointer + at * u,
                          dzx: dzx, dzh: dzh, dhPrevDirect: carry)
        }
        guard step > 0 else { return }
        Gemm.multiply(m: samples.count, n: u, k: gu, a: recurrentGradient(d).pointer + (samples.lowerBound * l + t) * gu,
                      lda: l * gu, b: d.weightHH.value.pointer, ldb: u, beta: 1,
                      c: d.hiddenCarry.pointer + samples.lowerBound * u, ldc: u)
    }

    /// The part of dL/dy that lands on direction k's h at position t: every unpadded position's
    /// with `returnSequences`, else the last step's.
    @inline(__always)
    private func outputGradientRow(_ dy: Tensor, sample s: Int, position t: Int, step: Int, direction k: Int,
                                   width: Int) -> UnsafePointer<Float>? {
        if returnSequences {
            return isPadding(s, t) ? nil : UnsafePointer(dy.pointer + (s * shape.length + t) * width + k * units)
        }
        return step == shape.length - 1 ? UnsafePointer(dy.pointer + s * width + k * units) : nil
    }

    /// dZh, the gradient of the recurrent part: dZx itself for a cell that sums the parts.
    private func recurrentGradient(_ d: RecurrentDirection) -> Tensor {
        cell.sumsParts ? d.inputGradient : d.recurrentGradient
    }

    /// dX (+)= dZx · W_ih for the slice's positions; the first direction overwrites.
    private func addInputGradient(_ dx: Tensor, _ d: RecurrentDirection, first: Bool, _ samples: Range<Int>) {
        let l = shape.length, f = d.weightIH.shape[1], gu = d.weightIH.shape[0]
        Gemm.multiply(m: samples.count * l, n: f, k: gu, a: d.inputGradient.pointer + samples.lowerBound * l * gu, lda: gu,
                      b: d.weightIH.value.pointer, ldb: f, beta: first ? 0 : 1,
                      c: dx.pointer + samples.lowerBound * l * f, ldc: f)
    }

    /// dW_ih += dZxᵀ·X, dW_hh += dZhᵀ·H_prev and the bias column sums, over all N·L positions,
    /// split over the threads by gate rows.
    private func addParameterGradients(_ x: Tensor, _ d: RecurrentDirection, context: LayerContext, batch n: Int) {
        let rows = n * shape.length, f = d.weightIH.shape[1], u = units, gu = d.weightIH.shape[0]
        let dzx = d.inputGradient.pointer, dzh = recurrentGradient(d).pointer, ones = onesPointer
        context.split.forEachSlice(of: gu) { _, gates in
            let g0 = gates.lowerBound, m = gates.count
            Gemm.multiply(transposeA: true, m: m, n: f, k: rows, a: dzx + g0, lda: gu, b: x.pointer, ldb: f, beta: 1,
                          c: d.weightIH.gradient.pointer + g0 * f, ldc: f)
            Gemm.multiply(transposeA: true, m: m, n: u, k: rows, a: dzh + g0, lda: gu, b: d.previousHidden.pointer, ldb: u,
                          beta: 1, c: d.weightHH.gradient.pointer + g0 * u, ldc: u)
            Gemm.multiply(transposeA: true, m: m, n: 1, k: rows, a: dzx + g0, lda: gu, b: ones, ldb: 1, beta: 1,
                          c: d.biasIH.gradient.pointer + g0, ldc: 1)
            Gemm.multiply(transposeA: true, m: m, n: 1, k: rows, a: dzh + g0, lda: gu, b: ones, ldb: 1, beta: 1,
                          c: d.biasHH.gradient.pointer + g0, ldc: 1)
        }
    }
}
