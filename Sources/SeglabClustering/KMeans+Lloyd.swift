import SeglabNumerics

extension KMeans {
    struct LloydResult {
        var labels: [Int]
        var centers: Matrix
        var inertia: Double
        var nIter: Int
    }

    /// Lloyd iterations from `centers` (scikit-learn's `_kmeans_single_lloyd`).
    func lloyd(_ x: Matrix, largestSquaredNorm: Double, centers: Matrix, threshold: Double,
               context: FitContext) throws -> LloydResult {
        try lloyd(x, largestSquaredNorm: largestSquaredNorm, starts: [centers], threshold: threshold, context: context)[0]
    }

    /// Lloyd iterations from each of `starts`, as if each ran alone (scikit-learn's
    /// `_kmeans_single_lloyd`), results in the order of `starts`.
    ///
    /// Exact, with Hamerly's bounds (see `BoundedAssignment`): a row is given a new nearest
    /// centre only when its bounds cannot prove the old one is still strictly nearest, and
    /// then with the very kernel and arithmetic of a full Lloyd pass, so every iteration's
    /// labels are Lloyd's. A chunk's per-cluster sums are summed again (rows in order) only
    /// when one of its labels changed, and all chunks are combined in chunk order, so the
    /// centres are Lloyd's to the bit.
    ///
    /// The restarts share the passes over the data: a fixed chunk of rows is read once and
    /// every unfinished restart processes it, each exactly as a fit on its own.
    /// `largestSquaredNorm` is the largest squared row norm (`MatrixFacts`).
    func lloyd(_ x: Matrix, largestSquaredNorm: Double, starts: [Matrix], threshold: Double,
               context: FitContext) throws -> [LloydResult] {
        let n = x.rows, d = x.cols, k = self.k
        let chunks = Parallel.chunkRanges(count: n, chunkSize: Kernels.rowChunk)
        // Bounds every true row norm from above: the computed squared norms are within a few
        // rounding errors of the true ones.
        let rowNormBound = Bound.up(largestSquaredNorm.squareRoot())
        let states = starts.map { RestartState(centers: $0, rows: n, chunks: chunks.count, k: k, d: d) }
        defer { for s in states { s.deallocate() } }
        // One bounded assignment of every row for each of `steps`; changed[chunk][step]: how many
        // of the step's labels changed in the chunk.
        func assignAll(_ steps: [BoundedAssignment], summing: Bool) -> [[Int]] {
            x.storage.withUnsafeBufferPointer { xs in
                Parallel.mapChunks(count: n, chunkSize: Kernels.rowChunk) { rows -> [Int] in
                    steps.map { $0.assign(xs.baseAddress!, rows: rows, chunk: rows.lowerBound / Kernels.rowChunk, summing: summing) }
                }
            }
        }
        var iteration = 0
        while iteration < maxIter, states.contains(where: { !$0.finished }) {
            iteration += 1
            try context.checkpoint(iteration: iteration, of: maxIter)
            let active = states.filter { !$0.finished }
            let steps = active.map { BoundedAssignment($0, rowNormBound: rowNormBound) }
            let changed = assignAll(steps, summing: true)
            for (a, state) in active.enumerated() {
                var acc = state.mergedSums(chunks: chunks.count)
                let moved = changed.reduce(0) { $0 + $1[a] }
                var relocated = false
                if acc.counts.contains(0) {
                    // The same centres again give the same labels, now with every distance.
                    let minSqDist = steps[a].packed.nearest(x, xNorms: Kernels.rowSquaredNorms(x)).minSqDist
                    relocated = relocateEmptyClusters(x, labels: state.labels, minSqDist: minSqDist, into: &acc)
                }
                let updated = Self.means(acc)
                var shift = 0.0
                for j in 0 ..< updated.storage.count {
                    let e = updated.storage[j] - state.centers.storage[j]
                    shift += e * e
                }
                state.move(to: updated)
                state.nIter = iteration
                // Unchanged labels mean the centres are already their means: no final assignment
                // needed, unless a relocation moved a centre in this very iteration.
                if moved == 0 && !relocated {
                    state.converged = true
                    state.finished = true
                } else if shift <= threshold {
                    state.finished = true
                }
            }
        }
        // A restart stopped by the tolerance or max_iter labels its rows by its final centres: one
        // more assignment, which its bounds (valid for those centres) mostly decide.
        let unsettled = states.filter { !$0.converged }
        if !unsettled.isEmpty {
            _ = assignAll(unsettled.map { BoundedAssignment($0, rowNormBound: rowNormBound) }, summing: false)
        }
        let inertias = Kernels.sumSquaredResiduals(x, labelings: states.map { (centers: $0.centers, labels: UnsafePointer($0.labels)) })
        return zip(states, inertias).map { s, inertia in
            LloydResult(labels: (0 ..< n).map { Int(s.labels[$0]) }, centers: s.centers, inertia: inertia, nIter: s.nIter)
        }
    }

    /// scikit-learn's `_relocate_empty_clusters_dense`: each empty cluster takes the row
    /// farthest from its centre (farthest first, lower row index on ties), moving that row's
    /// contribution out of its old cluster's sum. Labels are left as assigned. Returns whether
    /// anything moved.
    private func relocateEmptyClusters(_ x: Matrix, labels: UnsafePointer<Int32>, minSqDist: [Double],
                                       into acc: inout GroupAccumulator) -> Bool {
        let empty = acc.counts.indices.filter { acc.counts[$0] == 0 }
        guard !empty.isEmpty else { return false }
        let far = Self.farthest(empty.count, minSqDist)
        let d = x.cols
        for (target, row) in zip(empty, far) {
            let source = Int(labels[row])
            for f in 0 ..< d {
                acc.sums[source * d + f] -= x[row, f]
                acc.sums[target * d + f] = x[row, f]
            }
            acc.counts[target] = 1
            acc.counts[source] -= 1
        }
        return true
    }

    /// The `m` rows with the largest `values`, largest first, lower index first on ties: the
    /// head of a full sort in that order, kept in a short sorted list instead.
    static func farthest(_ m: Int, _ values: [Double]) -> [Int] {
        func before(_ a: Int, _ b: Int) -> Bool { values[a] > values[b] || (values[a] == values[b] && a < b) }
        var top: [Int] = []
        top.reserveCapacity(m + 1)
        for i in values.indices {
            if top.count == m, let last = top.last, !before(i, last) { continue }
            let at = top.firstIndex { before(i, $0) } ?? top.count
            top.insert(i, at: at)
            if top.count > m { top.removeLast() }
        }
        return top
    }

    /// Sums divided by counts; a cluster left with no rows keeps its (relocation-adjusted)
    /// sum as scikit-learn's `_average_centers` does.
    private static func means(_ acc: GroupAccumulator) -> Matrix {
        var m = Matrix(rows: acc.counts.count, cols: acc.dims, storage: acc.sums)
        for c in 0 ..< m.rows where acc.counts[c] > 0 {
            let alpha = 1 / Double(acc.counts[c])
            for f in 0 ..< m.cols { m[c, f] *= alpha }
        }
        return m
    }
}

/// One restart between iterations: its centres (and how far they have moved in all), each
/// row's label (`-1` before the first assignment) with Hamerly's bounds, and each chunk's
/// per-cluster sums and counts as of the chunk's last label change, with the running sums at
/// the start of each stretch of the chunk's rows.
///
/// The bounds are stored relative to the accumulated movement, so a row whose label the
/// bounds decide costs reads only: with U and L as stored, its upper bound is
/// `U + travelled[label]` and its lower bound `L − travelledMax` (Hamerly's per-iteration
/// updates, summed).
final class RestartState {
    private(set) var centers: Matrix
    /// Per centre: the sum of its movements ‖new − old‖ so far, rounded up.
    private(set) var travelled: [Double]
    /// The sum over updates of the largest movement of any centre, rounded up.
    private(set) var travelledMax = 0.0
    private(set) var updates = 0
    let labels: UnsafeMutablePointer<Int32>
    /// Per row, in single precision (12 bytes of state per row with the label), the two
    /// numbers the bounds test compares, one load for both: L − U rounded down and −U, where U
    /// (rounded up) bounds the distance to the row's centre from above, minus
    /// `travelled[label]`, and L (rounded down) bounds the distance to every other centre from
    /// below, plus `travelledMax`.
    let bounds: UnsafeMutablePointer<SIMD2<Float>>
    /// chunks × k × d sums and chunks × k counts.
    let chunkSums: UnsafeMutablePointer<Double>
    let chunkCounts: UnsafeMutablePointer<Int>
    /// Per chunk and stretch s ≥ 1, the chunk's sums (k × d) and counts (k) over its rows before
    /// the stretch, in row order: the running sums where a re-sum starting at stretch s picks up.
    let keptSums: UnsafeMutablePointer<Double>
    let keptCounts: UnsafeMutablePointer<Int>
    /// Rows per stretch: a re-sum starts at the stretch of the chunk's first changed row (in the
    /// late iterations a chunk has a few changed rows, anywhere), and the kept sums cost k × d
    /// doubles per stretch.
    static let stretchRows = 1024
    static let stretchesPerChunk = Kernels.rowChunk / stretchRows
    let k: Int, d: Int
    var nIter = 0
    var converged = false
    var finished = false

    init(centers: Matrix, rows: Int, chunks: Int, k: Int, d: Int) {
        self.centers = centers
        self.k = k; self.d = d
        travelled = [Double](repeating: 0, count: k)
        labels = .allocate(capacity: max(rows, 1))
        labels.initialize(repeating: -1, count: rows)
        bounds = .allocate(capacity: max(rows, 1))
        chunkSums = .allocate(capacity: max(chunks * k * d, 1))
        chunkCounts = .allocate(capacity: max(chunks * k, 1))
        let kept = chunks * (Self.stretchesPerChunk - 1)
        keptSums = .allocate(capacity: max(kept * k * d, 1))
        keptCounts = .allocate(capacity: max(kept * k, 1))
    }

    func deallocate() {
        labels.deallocate(); bounds.deallocate(); chunkSums.deallocate(); chunkCounts.deallocate()
        keptSums.deallocate(); keptCounts.deallocate()
    }

    /// The kept running sums and counts of chunk `chunk` before its stretch `stretch` (≥ 1).
    func kept(chunk: Int, stretch: Int) -> (sums: UnsafeMutablePointer<Double>, counts: UnsafeMutablePointer<Int>) {
        let slot = chunk * (Self.stretchesPerChunk - 1) + stretch - 1
        return (keptSums + slot * k * d, keptCounts + slot * k)
    }

    /// Before the first update: no bounds yet, every row is assigned in full.
    var first: Bool { updates == 0 }

    /// The chunks' sums combined in chunk order (a zero start, then each chunk in turn).
    func mergedSums(chunks: Int) -> GroupAccumulator {
        var acc = GroupAccumulator(groups: k, dims: d)
        for c in 0 ..< chunks {
            for j in 0 ..< k * d { acc.sums[j] += chunkSums[c * k * d + j] }
            for g in 0 ..< k { acc.counts[g] += chunkCounts[c * k + g] }
        }
        return acc
    }

    /// New centres; adds how far each one moved to the travelled distances.
    func move(to updated: Matrix) {
        var largest = 0.0
        for c in 0 ..< k {
            var s = 0.0
            for f in 0 ..< d {
                let e = updated[c, f] - centers[c, f]
                s += e * e
            }
            let step = Bound.up(s.squareRoot())
            travelled[c] = Bound.up(travelled[c] + step)
            largest = max(largest, step)
        }
        travelledMax = Bound.up(travelledMax + largest)
        centers = updated
        updates += 1
    }
}

/// Outward rounding for bounds: `up(r)` is at least, `down(r)` at most, the exact value of
/// the operation that produced `r` (a sum, difference, product or square root of a few
/// doubles is within a few units in the last place of its rounded result).
enum Bound {
    @inline(__always) static func up(_ r: Double) -> Double { r + abs(r) * 0x1p-44 }
    @inline(__always) static func down(_ r: Double) -> Double { r - abs(r) * 0x1p-44 }
    /// E = 4(d + 4)·2⁻⁵³·r², rounded up, where r bounds ‖x‖ + ‖c‖: the largest error of the
    /// expanded squared distance of `Kernels` between x and c in d dimensions (the dot product
    /// and norms of d terms and two more roundings; clamping at 0 only brings it closer), plus
    /// 2⁻¹⁰⁰⁰ for roundings in the subnormal range, whose errors are absolute.
    static func squaredDistanceError(dims d: Int, normSum r: Double) -> Double {
        up(4 * Double(d + 4) * 0x1p-53 * up(r * r)) + 0x1p-1000
    }
    /// A Float at or above (`upFloat`) or at or below (`downFloat`) v, and the exact result of
    /// the one operation that produced v, without a branch: v is moved outward by more than
    /// half a Float ulp and that rounding (2⁻²² relative, 2⁻¹²⁶ absolute for the subnormal
    /// range) before rounding to nearest; past Float's range each is clamped to the finite end
    /// on its side (−∞ would not be above v, nor +∞ below it).
    @inline(__always) static func upFloat(_ v: Double) -> Float {
        max(Float(v + (abs(v) * 0x1p-22 + 0x1p-126)), -.greatestFiniteMagnitude)
    }
    @inline(__always) static func downFloat(_ v: Double) -> Float {
        min(Float(v - (abs(v) * 0x1p-22 + 0x1p-126)), .greatestFiniteMagnitude)
    }
}

/// One restart's assignment step with Hamerly's bounds (Hamerly 2010, "Making k-means even
/// faster"), made exact for the expanded distance of `Kernels`.
///
/// For row x with label a, u ≥ ‖x − c_a‖ and l ≤ ‖x − c‖ for every other centre c (true,
/// real-number distances). The computed squared distance D̃ differs from the true D by at
/// most E (`Bound.squaredDistanceError`, with r = max‖x‖ + max‖c‖). So when L² − u² > 2E, with
/// L = max(l, min_c ‖c_a − c‖ − u), every other centre's D̃ is strictly above c_a's: the full
/// pass would keep a, without a tie. As u ≥ 0 and L + u ≥ L − u, L − u > s with s ≥ √(2E)
/// is enough, and it splits into two tests that each compare one stored bound with a number
/// per centre (see `assign`). Otherwise the row takes the full kernel's answer (nearest and
/// second nearest; Hamerly's tightening of u by one distance first cost more than it saved,
/// mostly in mispredicted branches). Every quantity that feeds a bound or a threshold is
/// rounded outward (`Bound`), so the bounds hold for the true distances; a generous margin
/// only costs a few extra distance computations.
struct BoundedAssignment {
    let state: RestartState
    let packed: PackedCenters
    /// E, the largest error of a computed squared distance.
    let error: Double
    let travelled: [Double], travelledMax: Double
    /// Per label a, what the row's stored pair (L − U, −U) must exceed in either lane for its
    /// label to be proven: L − U above the first lane is l − u > s, −U above the second is
    /// 2u < min_c ‖c_a − c‖ − s.
    let thresholds: [SIMD2<Float>]

    init(_ state: RestartState, rowNormBound: Double) {
        self.state = state
        let centers = state.centers, k = state.k, d = state.d
        packed = PackedCenters(centers)
        let centerNormBound = Bound.up((Kernels.rowSquaredNorms(centers).max() ?? 0).squareRoot())
        error = Bound.squaredDistanceError(dims: d, normSum: Bound.up(rowNormBound + centerNormBound))
        let s = Bound.up(Bound.up(2 * error).squareRoot())
        let travelled = state.travelled, travelledMax = state.travelledMax
        self.travelled = travelled
        self.travelledMax = travelledMax
        // A lower bound on the distance from each centre to the nearest other one.
        var gap = [Double](repeating: .infinity, count: k)
        centers.storage.withUnsafeBufferPointer { cs in
            for a in 0 ..< k {
                for b in a + 1 ..< k {
                    let sum = Kernels.differencedSquaredDistance(cs.baseAddress! + a * d, cs.baseAddress! + b * d, count: d)
                    let g = sum.squareRoot() * (1 - 0x1p-40)
                    gap[a] = min(gap[a], g); gap[b] = min(gap[b], g)
                }
            }
        }
        // With stored bounds U, L: u = U + travelled[a], l = L − travelledMax. An infinite gap
        // (one centre) makes the second lane NaN: no row is decided by it, which is merely slower.
        let base = Bound.up(s + travelledMax)
        thresholds = (0 ..< k).map { a in
            SIMD2(Bound.upFloat(Bound.up(base + travelled[a])),
                  -Bound.downFloat(Bound.down(Bound.down(gap[a] - s) * 0.5 - travelled[a])))
        }
    }

    /// Assigns rows `rows` (chunk `chunk`); re-sums the chunk's clusters if a label changed
    /// and `summing`. Returns the number of changed labels.
    ///
    /// Two phases, each a straight loop: the rows whose bounds cannot decide are listed
    /// (`Kernels.undecidedRows`: every row's bounds read, no branch), then those rows go through
    /// the full kernel together (`PackedCenters.nearestTwo`) and get exact new bounds from their
    /// nearest and second-nearest distances (`Kernels.newBounds`: the square roots nudged up for
    /// u and down for l by 2⁻⁴⁴, the Float bounds rounded outward, several rows per vector).
    func assign(_ x: UnsafePointer<Double>, rows: Range<Int>, chunk: Int, summing: Bool) -> Int {
        let labels = state.labels, bounds = state.bounds, k = state.k
        let first = state.first, travelledMax = self.travelledMax, error = self.error
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: rows.count) { undecidedBuffer in
            let undecided = undecidedBuffer.baseAddress!
            var count = 0
            if first {
                for i in rows { undecided[count] = i; count += 1 }
            } else {
                count = thresholds.withUnsafeBufferPointer { t in
                    Kernels.undecidedRows(bounds: bounds, labels: labels, thresholds: t, rows: rows, into: undecided)
                }
            }
            guard count > 0 else { return 0 }
            return withUnsafeTemporaryAllocation(of: Int32.self, capacity: count + k) { labelScratch in
                withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * count) { distanceScratch in
                    let found = labelScratch.baseAddress!, best = distanceScratch.baseAddress!, second = best + count
                    packed.nearestTwo(x, rows: undecided, count: count, labels: found, best: best, second: second)
                    // touched[c] ≠ 0: cluster c lost or gained a row of this chunk.
                    let touched = found + count
                    touched.initialize(repeating: first ? 1 : 0, count: k)
                    let (changed, firstChanged) = travelled.withUnsafeBufferPointer { tp in
                        Kernels.newBounds(rows: undecided, count: count, found: found, best: best, second: second,
                                          error: error, travelled: tp.baseAddress!, travelledMax: travelledMax,
                                          labels: labels, bounds: bounds, touched: touched)
                    }
                    if changed > 0 && summing { resum(x, rows: rows, chunk: chunk, touched: touched, from: firstChanged) }
                    return changed
                }
            }
        }
    }

    /// The chunk's sums and counts of the clusters that lost or gained a row, summed again over
    /// the chunk's rows in order, as the full pass would (`Kernels.addRows`), from the start of
    /// the stretch holding `firstChanged` (the smallest row whose label changed): before it no row
    /// joined or left a cluster, so the running sums kept there are the very partial sums the
    /// full pass would reach. When most clusters are touched every cluster is summed again (the
    /// same sums, to the bit) without a test of each row's cluster. An untouched cluster's kept
    /// sums stay valid: none of its rows changed.
    private func resum(_ x: UnsafePointer<Double>, rows: Range<Int>, chunk: Int, touched: UnsafePointer<Int32>,
                       from firstChanged: Int) {
        let labels = state.labels, d = state.d, k = state.k, stretch = RestartState.stretchRows
        let sums = state.chunkSums + chunk * k * d, counts = state.chunkCounts + chunk * k
        var touchedCount = 0
        for c in 0 ..< k { touchedCount += Int(touched[c]) }
        let all = 2 * touchedCount >= k
        let start = (firstChanged - rows.lowerBound) / stretch
        let stretches = (rows.count + stretch - 1) / stretch
        // Back to the running sums before stretch `start`: zero, or as kept.
        let origin = start == 0 ? nil : state.kept(chunk: chunk, stretch: start)
        for c in 0 ..< k where all || touched[c] != 0 {
            if let origin {
                (sums + c * d).update(from: origin.sums + c * d, count: d)
                counts[c] = origin.counts[c]
            } else {
                (sums + c * d).update(repeating: 0, count: d)
                counts[c] = 0
            }
        }
        for s in start ..< stretches {
            if s > start {
                let kept = state.kept(chunk: chunk, stretch: s)
                for c in 0 ..< k where all || touched[c] != 0 {
                    (kept.sums + c * d).update(from: sums + c * d, count: d)
                    kept.counts[c] = counts[c]
                }
            }
            let part = rows.lowerBound + s * stretch ..< min(rows.lowerBound + (s + 1) * stretch, rows.upperBound)
            if all {
                Kernels.addRows(x, dims: d, labels: UnsafePointer(labels), rows: part, groups: k, sums: sums, counts: counts)
            } else {
                for i in part where touched[Int(labels[i])] != 0 {
                    let c = Int(labels[i])
                    counts[c] += 1
                    Kernels.addRow(x + i * d, to: sums + c * d, dims: d)
                }
            }
        }
    }
}
