import DLTCore
import Foundation

/// The input part of a recurrent layer that reads an embedding, for inference passes: per
/// direction, every embedding row times W_ihᵀ plus the input part's bias, as a table of
/// (vocab + 1) rows of G·U, so that a position's input part is one row copied by token id in
/// place of a product. The last row is the bias alone, the projection of the zero vector that
/// an invalid id looks up.
///
/// The tables are made again whenever the weights differ from the copy of them kept beside the
/// tables (compared at each forward, a few microseconds), so training between passes is seen.
final class TokenProjectionTable {
    /// Tables larger than this many floats (all directions) are not kept: making them costs
    /// vocab · dim · G·U multiply-adds, which a short inference pass would not win back.
    static let maximumFloats = 1 << 20

    private let embedding: Parameter
    private let vocab: Int
    private let directions: [RecurrentDirection]
    private let gateWidth: Int
    /// Per direction, (vocab + 1, G·U).
    private let tables: [Tensor]
    /// The embedding, then each direction's W_ih, b_ih and b_hh: what the tables are made from.
    private let sources: [Tensor]
    /// The sources' values when the tables were last made, one after another.
    private let madeFrom: Tensor
    private var isMade = false

    init?(embedding: Parameter, directions: [RecurrentDirection], gateWidth: Int) {
        let vocab = embedding.shape[0]
        guard (vocab + 1) * gateWidth * directions.count <= Self.maximumFloats else { return nil }
        self.embedding = embedding; self.vocab = vocab; self.directions = directions; self.gateWidth = gateWidth
        tables = directions.map { _ in Tensor(shape: [vocab + 1, gateWidth]) }
        let sources = [embedding.value] + directions.flatMap { [$0.weightIH.value, $0.biasIH.value, $0.biasHH.value] }
        self.sources = sources
        madeFrom = Tensor(shape: [sources.reduce(0) { $0 + $1.count }])
    }

    /// Makes the tables again if any weight changed since they were made; `bias(k)` is
    /// direction k's input-part bias (b_ih, or b_ih + b_hh for a cell that sums the parts).
    func refresh(bias: (Int) -> UnsafePointer<Float>) {
        if isMade && !sourcesChanged() { return }
        var at = madeFrom.pointer
        for t in sources {
            at.update(from: t.pointer, count: t.count)
            at += t.count
        }
        let dim = embedding.shape[1], gu = gateWidth
        for (k, d) in directions.enumerated() {
            let table = tables[k].pointer
            Gemm.multiply(transposeB: true, m: vocab, n: gu, k: dim, a: embedding.value.pointer, lda: dim,
                          b: d.weightIH.value.pointer, ldb: dim, rowBias: bias(k), c: table, ldc: gu)
            (table + vocab * gu).update(from: bias(k), count: gu)
        }
        isMade = true
    }

    private func sourcesChanged() -> Bool {
        var at = UnsafeRawPointer(madeFrom.pointer)
        for t in sources {
            if memcmp(at, t.pointer, t.count * MemoryLayout<Float>.stride) != 0 { return true }
            at += t.count * MemoryLayout<Float>.stride
        }
        return false
    }

    /// Direction k's input part for `rows` positions from their token ids, G·U floats per row.
    func lookUp(direction k: Int, ids: UnsafePointer<Float>, rows: Int, into out: UnsafeMutablePointer<Float>) {
        let table = UnsafePointer(tables[k].pointer), gu = gateWidth
        for r in 0..<rows {
            let row = Embedding.row(of: ids[r], vocab: vocab) ?? vocab
            (out + r * gu).update(from: table + row * gu, count: gu)
        }
    }
}
