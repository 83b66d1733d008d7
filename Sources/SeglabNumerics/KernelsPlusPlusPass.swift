import CSeglabKernels

/// The centre k-means++ chose last, still to be folded into the rows' nearest-centre
/// distances: candidate `trial` of `candidates`, at `position` among the chosen centres. A row
/// whose distance is at or below `thresholds[owner]` cannot come strictly closer to it.
public struct PlusPlusFold: Sendable {
    public let candidates: PackedCenters
    public let trial: Int
    public let position: Int32
    public let thresholds: [Double]

    public init(candidates: PackedCenters, trial: Int, position: Int32, thresholds: [Double]) {
        self.candidates = candidates
        self.trial = trial
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
    /// one or to any candidate) is not read.
    public static func plusPlusPass(_ x: UnsafePointer<Double>, xNorms: UnsafePointer<Double>, rows: Range<Int>,
                                    closest: UnsafeMutablePointer<Double>, owner: UnsafeMutablePointer<Int32>,
                                    fold: PlusPlusFold?,
                                    score: (candidates: PackedCenters, thresholds: [Double])?) -> (potentials: [Double], listed: Int) {
        let d = fold?.candidates.dims ?? score?.candidates.dims ?? 0
        let trials = score?.candidates.count ?? 0
        var potentials = [Double](repeating: 0, count: trials)
        let empty = [Double]()
        let foldCenters = fold?.candidates.centers ?? empty, foldNorm = fold.map { $0.candidates.centerNorms[$0.trial] } ?? 0
        let listed = foldCenters.withUnsafeBufferPointer { fc in
            (fold?.thresholds ?? empty).withUnsafeBufferPointer { ft in
                (score?.candidates.centers ?? empty).withUnsafeBufferPointer { sc in
                    (score?.candidates.centerNorms ?? empty).withUnsafeBufferPointer { sn in
                        (score?.thresholds ?? empty).withUnsafeBufferPointer { st in
                            seglab_plus_plus_pass(x, xNorms, d, rows.lowerBound, rows.count, closest, owner,
                                                  fold.map { fc.baseAddress! + $0.trial * d }, foldNorm, ft.baseAddress,
                                                  fold?.position ?? 0, sc.baseAddress, sn.baseAddress, trials,
                                                  st.baseAddress, &potentials)
                        }
                    }
                }
            }
        }
        return (potentials, listed)
    }
}
