import SeglabNumerics

/// A Gaussian mixture prepared for evaluation: the E-step kernel behind `GaussianMixture`'s
/// fit and `GaussianMixtureModel.predict`.
///
/// Log-densities are computed as scikit-learn's `_estimate_log_gaussian_prob`:
/// log N(x | μ, Σ) = −½ (d log 2π + ‖(x − μ) U‖²) + log det U, with U the upper-triangular
/// Cholesky factor of the precision (full, tied) or its diagonal (diag, spherical), then
/// normalised by log-sum-exp. Rows are processed 8 at a time, one row per SIMD lane
/// (`RowBlocks`), over fixed chunks whose partial sums are combined in chunk order, so
/// every result is the same on any number of threads.
struct MixtureDensity: Sendable {
    let k: Int
    let d: Int
    /// Full or tied: a d × d triangular factor per component; diag or spherical: d scales.
    let triangular: Bool
    /// k × d.
    let means: [Double]
    /// Per component, `factorSize` values: the upper-triangular U packed by columns
    /// (column j holds U[0...j][j]) or its diagonal.
    let factors: [Double]
    /// log w_c + log det U_c − ½ d log 2π.
    let constants: [Double]

    var factorSize: Int { MixtureStatistics.scatterSize(d: d, triangular: triangular) }

    /// Rows per parallel task (a multiple of 8, so blocks never straddle two chunks).
    static let rowChunk = Kernels.rowChunk

    /// Weighted log-densities log w_c + log N(x | c) of the 8 rows of block `xb`, into `lp[0 ..< k]`.
    @inline(__always)
    func logDensities(_ xb: UnsafePointer<SIMD8<Double>>, means mp: UnsafePointer<Double>,
                      factors fp: UnsafePointer<Double>, constants cp: UnsafePointer<Double>,
                      diff: UnsafeMutablePointer<SIMD8<Double>>, into lp: UnsafeMutablePointer<SIMD8<Double>>) {
        let size = factorSize
        for c in 0 ..< k {
            let mu = mp + c * d
            for f in 0 ..< d { diff[f] = xb[f] - SIMD8(repeating: mu[f]) }
            var q = SIMD8<Double>.zero
            var u = fp + c * size
            if triangular {
                for j in 0 ..< d {
                    var y = SIMD8<Double>.zero
                    for l in 0 ... j { y += diff[l] * u[l] }
                    q += y * y
                    u += j + 1
                }
            } else {
                for f in 0 ..< d {
                    let y = diff[f] * u[f]
                    q += y * y
                }
            }
            lp[c] = SIMD8(repeating: cp[c]) - 0.5 * q
        }
    }

    /// Lane-wise log-sum-exp of `lp[0 ..< k]`; overwrites `lp[c]` with exp(lp[c] − max) and
    /// returns (max, Σ_c exp(lp[c] − max)).
    @inline(__always)
    func exponentiate(_ lp: UnsafeMutablePointer<SIMD8<Double>>) -> (max: SIMD8<Double>, sum: SIMD8<Double>) {
        var m = lp[0]
        for c in 1 ..< k { m = m.replacing(with: lp[c], where: lp[c] .> m) }
        var s = SIMD8<Double>.zero
        for c in 0 ..< k {
            let e = lp[c] - m
            let r = SIMD8(_exp(e[0]), _exp(e[1]), _exp(e[2]), _exp(e[3]), _exp(e[4]), _exp(e[5]), _exp(e[6]), _exp(e[7]))
            lp[c] = r
            s += r
        }
        return (m, s)
    }

    @inline(__always)
    static func log8(_ v: SIMD8<Double>) -> SIMD8<Double> {
        SIMD8(_log(v[0]), _log(v[1]), _log(v[2]), _log(v[3]), _log(v[4]), _log(v[5]), _log(v[6]), _log(v[7]))
    }

    /// For each block of `rows` in order: its weighted log-densities into `lp[0 ..< k]`, then
    /// `body(block, its rows, lp, scratch of d vectors)`.
    @inline(__always)
    private func forEachBlock(_ x: RowBlocks, rows: Range<Int>,
                              _ body: (Int, UnsafePointer<SIMD8<Double>>, UnsafeMutablePointer<SIMD8<Double>>,
                                       UnsafeMutablePointer<SIMD8<Double>>) -> Void) {
        let lp = UnsafeMutablePointer<SIMD8<Double>>.allocate(capacity: k)
        let diff = UnsafeMutablePointer<SIMD8<Double>>.allocate(capacity: d)
        defer { lp.deallocate(); diff.deallocate() }
        x.storage.withUnsafeBufferPointer { xs in
            means.withUnsafeBufferPointer { mp in
                factors.withUnsafeBufferPointer { fp in
                    constants.withUnsafeBufferPointer { cp in
                        for b in RowBlocks.blocks(of: rows) {
                            let xb = xs.baseAddress! + b * d
                            logDensities(xb, means: mp.baseAddress!, factors: fp.baseAddress!, constants: cp.baseAddress!,
                                         diff: diff, into: lp)
                            body(b, xb, lp, diff)
                        }
                    }
                }
            }
        }
    }

    /// One E-step over every row: Σ log p(x) and the responsibility-weighted sums about the
    /// component means that the M-step needs (scikit-learn's `_e_step` then the sums of
    /// `_estimate_gaussian_parameters`, fused into one pass over the data).
    func expectation(_ x: RowBlocks) -> MixtureStatistics {
        precondition(x.dims == d)
        let partial = Parallel.mapChunks(count: x.rows, chunkSize: Self.rowChunk) { rows -> MixtureStatistics in
            let acc = MixtureAccumulator(k: k, d: d, triangular: triangular)
            var logLikelihood = SIMD8<Double>.zero
            means.withUnsafeBufferPointer { mp in
                forEachBlock(x, rows: rows) { b, xb, lp, diff in
                    let (m, s) = exponentiate(lp)
                    let valid = x.validLanes(block: b)
                    let inverse = 1 / s
                    for c in 0 ..< k { lp[c] = (lp[c] * inverse).replacing(with: 0, where: .!valid) }
                    logLikelihood += (m + Self.log8(s)).replacing(with: 0, where: .!valid)
                    acc.add(xb, responsibilities: UnsafePointer(lp), reference: mp.baseAddress!, diff: diff)
                }
            }
            var stats = acc.reduced()
            stats.logLikelihood = MixtureAccumulator.sumLanes(logLikelihood)
            return stats
        }
        return MixtureStatistics.combine(partial, k: k, d: d, triangular: triangular)
    }

    /// The most probable component of every row (lowest index on ties, as `numpy.argmax`),
    /// its posterior probability, and Σ log p(x) over the rows.
    func classify(_ x: RowBlocks) -> (labels: [Int], probabilities: [Double], logLikelihood: Double) {
        precondition(x.dims == d)
        var labels = [Int](repeating: 0, count: x.rows)
        var probabilities = [Double](repeating: 0, count: x.rows)
        let partial = labels.withUnsafeMutableBufferPointer { lb in
            probabilities.withUnsafeMutableBufferPointer { pb in
                Parallel.mapChunks(count: x.rows, chunkSize: Self.rowChunk) { rows -> Double in
                    var logLikelihood = SIMD8<Double>.zero
                    forEachBlock(x, rows: rows) { b, _, lp, _ in
                        var best = lp[0], label = SIMD8<Int64>.zero
                        for c in 1 ..< k {
                            let better = lp[c] .> best
                            best = best.replacing(with: lp[c], where: better)
                            label = label.replacing(with: Int64(c), where: better)
                        }
                        let (m, s) = exponentiate(lp)
                        logLikelihood += (m + Self.log8(s)).replacing(with: 0, where: .!x.validLanes(block: b))
                        for lane in 0 ..< min(8, x.rows - b * 8) {
                            lb[b * 8 + lane] = Int(label[lane])
                            // The chosen component has the largest log-density, so its exp(lp − max) is 1.
                            pb[b * 8 + lane] = 1 / s[lane]
                        }
                    }
                    return MixtureAccumulator.sumLanes(logLikelihood)
                }
            }
        }
        return (labels, probabilities, partial.reduce(0, +))
    }
}

/// Responsibilities given rather than computed: how a fit starts (scikit-learn's
/// `_initialize` from `resp`).
enum Responsibilities {
    /// One component per row, or -1 for none (a hard assignment, e.g. K-Means labels).
    case labels([Int])
    /// n × k, row-major.
    case dense([Double])
}

/// Responsibility-weighted sums of one pass, about reference points `ref` (one per component):
/// mass Σ r, sums Σ r (x − ref), scatter Σ r (x − ref)(x − ref)ᵀ (upper triangle packed by
/// columns, or its diagonal). Taken about points near the means, the M-step's centred
/// covariance follows without cancellation and without a second pass.
struct MixtureStatistics: Sendable {
    var mass: [Double]
    var sums: [Double]
    var scatter: [Double]
    /// Σ over rows of log p(x), for passes that compute it.
    var logLikelihood: Double = 0

    static func scatterSize(d: Int, triangular: Bool) -> Int { triangular ? d * (d + 1) / 2 : d }

    init(k: Int, d: Int, triangular: Bool) {
        mass = [Double](repeating: 0, count: k)
        sums = [Double](repeating: 0, count: k * d)
        scatter = [Double](repeating: 0, count: k * Self.scatterSize(d: d, triangular: triangular))
    }

    /// Sums of the given responsibilities about `reference` (k × d), over fixed chunks.
    init(_ x: RowBlocks, responsibilities: Responsibilities, k: Int, reference: [Double], triangular: Bool) {
        let d = x.dims
        precondition(reference.count == k * d)
        let partial = Parallel.mapChunks(count: x.rows, chunkSize: MixtureDensity.rowChunk) { rows -> MixtureStatistics in
            let acc = MixtureAccumulator(k: k, d: d, triangular: triangular)
            var r = [SIMD8<Double>](repeating: .zero, count: k)
            var diff = [SIMD8<Double>](repeating: .zero, count: d)
            x.storage.withUnsafeBufferPointer { xs in
                reference.withUnsafeBufferPointer { ref in
                    r.withUnsafeMutableBufferPointer { rp in
                        diff.withUnsafeMutableBufferPointer { dp in
                            for b in RowBlocks.blocks(of: rows) {
                                let lanes = min(8, x.rows - b * 8)
                                for c in 0 ..< k { rp[c] = .zero }
                                switch responsibilities {
                                case .labels(let labels):
                                    for lane in 0 ..< lanes where labels[b * 8 + lane] >= 0 { rp[labels[b * 8 + lane]][lane] = 1 }
                                case .dense(let dense):
                                    for lane in 0 ..< lanes { for c in 0 ..< k { rp[c][lane] = dense[(b * 8 + lane) * k + c] } }
                                }
                                acc.add(xs.baseAddress! + b * d, responsibilities: UnsafePointer(rp.baseAddress!),
                                        reference: ref.baseAddress!, diff: dp.baseAddress!)
                            }
                        }
                    }
                }
            }
            return acc.reduced()
        }
        self = Self.combine(partial, k: k, d: d, triangular: triangular)
    }

    /// The chunks' sums added in chunk order.
    static func combine(_ partial: [MixtureStatistics], k: Int, d: Int, triangular: Bool) -> MixtureStatistics {
        var total = MixtureStatistics(k: k, d: d, triangular: triangular)
        for p in partial {
            for j in total.mass.indices { total.mass[j] += p.mass[j] }
            for j in total.sums.indices { total.sums[j] += p.sums[j] }
            for j in total.scatter.indices { total.scatter[j] += p.scatter[j] }
            total.logLikelihood += p.logLikelihood
        }
        return total
    }
}

/// One chunk's running sums, one SIMD lane per row position in a block. A class over raw
/// storage, so adding a block touches no array bookkeeping.
final class MixtureAccumulator {
    let k: Int, d: Int, triangular: Bool
    private let size: Int
    private let mass: UnsafeMutablePointer<SIMD8<Double>>
    private let sums: UnsafeMutablePointer<SIMD8<Double>>
    private let scatter: UnsafeMutablePointer<SIMD8<Double>>

    init(k: Int, d: Int, triangular: Bool) {
        self.k = k; self.d = d; self.triangular = triangular
        size = MixtureStatistics.scatterSize(d: d, triangular: triangular)
        mass = .allocate(capacity: k)
        mass.initialize(repeating: .zero, count: k)
        sums = .allocate(capacity: k * d)
        sums.initialize(repeating: .zero, count: k * d)
        scatter = .allocate(capacity: k * size)
        scatter.initialize(repeating: .zero, count: k * size)
    }

    deinit {
        mass.deallocate(); sums.deallocate(); scatter.deallocate()
    }

    /// Adds one block of rows with responsibilities `r[0 ..< k]` (zero in lanes that are not rows).
    @inline(__always)
    func add(_ xb: UnsafePointer<SIMD8<Double>>, responsibilities r: UnsafePointer<SIMD8<Double>>,
             reference: UnsafePointer<Double>, diff: UnsafeMutablePointer<SIMD8<Double>>) {
        for c in 0 ..< k {
            let rc = r[c]
            mass[c] += rc
            let ref = reference + c * d
            for f in 0 ..< d { diff[f] = xb[f] - SIMD8(repeating: ref[f]) }
            let s = sums + c * d
            var v = scatter + c * size
            if triangular {
                for j in 0 ..< d {
                    let t = rc * diff[j]
                    s[j] += t
                    for l in 0 ... j { v[l] += t * diff[l] }
                    v += j + 1
                }
            } else {
                for f in 0 ..< d {
                    let t = rc * diff[f]
                    s[f] += t
                    v[f] += t * diff[f]
                }
            }
        }
    }

    /// Σ of the 8 lanes in a fixed order.
    @inline(__always)
    static func sumLanes(_ v: SIMD8<Double>) -> Double {
        ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]))
    }

    func reduced() -> MixtureStatistics {
        var s = MixtureStatistics(k: k, d: d, triangular: triangular)
        s.mass = (0 ..< k).map { Self.sumLanes(mass[$0]) }
        s.sums = (0 ..< k * d).map { Self.sumLanes(sums[$0]) }
        s.scatter = (0 ..< k * size).map { Self.sumLanes(scatter[$0]) }
        return s
    }
}
