import CSeglabKernels

/// The centre k-means++ chose last, still to be folded into the rows' nearest-centre
/// distances: candidate `trial` of `candidates`, at `position` among the chosen centres. A row
/// whose distance is at or below `thresholds[owner]` cannot come strictly closer to it.
public struct PlusPlusFold: Sendable {
    /// The centre's coordinates and squared norm, as `candidates` holds them.
    let center: [Double]
    let norm: Double
    let position: Int32
    let thresholds: [Double]

    public init(candidates: PackedCenters, trial: Int, position: Int32, thresholds: [Double]) {
        let d = candidates.dims
        center = Array(candidates.centers[trial * d ..< (trial + 1) * d])
        norm = candidates.centerNorms[trial]
        self.position = position
        self.thresholds = thresholds
    }
}

extension Kernels {
    /// One pass of k-means++ over rows `rows` (the C kernel `seglab_plus_plus_pass`, which reads
    /// them in order, a block at a time): first `fold`, when given, updates `closest` (each row's
    /// squared distance to its nearest chosen centre) and `owner` (that centre's position); then
    /// `score`, when given, returns per candidate t Σ min(closest[i], distance of t to row i)
    /// over the rows in row order, and how many rows were read for it. A block whose rows are
    /// all at or below their owner's thresholds (nearer to their own centre than to the folded
    /// one or to any candidate) is not read. Also returns the largest squared norm of the rows
    /// read (0 if none), as `rowSquaredNorms` computes them.
    public static func plusPlusPass(_ x: UnsafePointer<Double>, rows: Range<Int>,
                                    closest: UnsafeMutablePointer<Double>, owner: UnsafeMutablePointer<Int32>,
                                    fold: PlusPlusFold?, score: (candidates: PackedCenters, thresholds: [Double])?)
        -> (potentials: [Double], listed: Int, largestNorm: Double) {
        let d = fold?.center.count ?? score?.candidates.dims ?? 0
        let trials = score?.candidates.count ?? 0
        var potentials = [Double](repeating: 0, count: trials)
        var largestNorm = 0.0
        // The kernel reads the fold's arrays only with a fold, the candidates' only with trials.
        let listed = (fold?.center ?? []).withUnsafeBufferPointer { center in
            seglab_plus_plus_pass(x, d, rows.lowerBound, rows.count, closest, owner,
                                  fold == nil ? nil : center.baseAddress, fold?.norm ?? 0, fold?.thresholds ?? [],
                                  fold?.position ?? 0, score?.candidates.centers ?? [], score?.candidates.centerNorms ?? [],
                                  trials, score?.thresholds ?? [], &potentials, &largestNorm)
        }
        return (potentials, listed, largestNorm)
    }
}
