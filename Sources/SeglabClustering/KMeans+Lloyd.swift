import SeglabNumerics

extension KMeans {
    struct LloydResult {
        var labels: [Int]
        var centers: Matrix
        var inertia: Double
        var nIter: Int
    }

    /// Lloyd iterations from `centers` (scikit-learn's `_kmeans_single_lloyd`).
    func lloyd(_ x: Matrix, xNorms: [Double], centers: Matrix, threshold: Double,
               context: FitContext) throws -> LloydResult {
        try lloyd(x, xNorms: xNorms, starts: [centers], threshold: threshold, context: context)[0]
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
    func lloyd(_ x: Matrix, xNorms: [Double], starts: [Matrix], threshold: Double,
               context: FitContext) throws -> [LloydResult] {
        let n = x.rows, d = x.cols, k = self.k
        let chunks = Parallel.chunkRanges(count: n, chunkSize: Kernels.rowChunk)
        // Bounds every true row norm from above: the computed squared norms are within a few
        // rounding errors of the true ones.
        let rowNormBound = (xNorms.max() ?? 0).squareRoot() * BoundedAssignment.roundUp
        let states = starts.map { RestartState(centers: $0, rows: n, chunks: chunks.count, k: k, d: d) }
        defer { for s in states { s.deallocate() } }
        var iteration = 0
        while iteration < maxIter, states.contains(where: { !$0.finished }) {
            iteration += 1
            try context.checkpoint(iteration: iteration, of: maxIter)
            let active = states.filter { !$0.finished }
            let steps = active.map { BoundedAssignment($0, rowNormBound: rowNormBound) }
            // changed[chunk][a]: labels of restart active[a] that changed in the chunk.
            let changed = x.storage.withUnsafeBufferPointer { xs in
                xNorms.withUnsafeBufferPointer { ns in
                    Parallel.mapChunks(count: n, chunkSize: Kernels.rowChunk) { rows -> [Int] in
                        steps.map { $0.assign(xs.baseAddress!, xNorms: ns.baseAddress!, rows: rows,
                                              chunk: rows.lowerBound / Kernels.rowChunk) }
                    }
                }
            }
            for (a, state) in active.enumerated() {
                var acc = state.mergedSums(chunks: chunks.count)
                let moved = changed.reduce(0) { $0 + $1[a] }
                var relocated = false
                if acc.counts.contains(0) {
                    // The same centres again give the same labels, now with every distance.
                    let minSqDist = steps[a].packed.nearest(x, xNorms: xNorms).minSqDist
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
        return states.map { s in
            let labels = s.converged
                ? (0 ..< n).map { Int(s.labels[$0]) }
                : PackedCenters(s.centers).nearest(x, xNorms: xNorms).labels
            let inertia = Kernels.sumSquaredResiduals(x, centers: s.centers, labels: labels)
            return LloydResult(labels: labels, centers: s.centers, inertia: inertia, nIter: s.nIter)
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

/// One restart between iterations: its centres (and how far each moved in the last update),
/// each row's label (`-1` before the first assignment) with Hamerly's bounds, and each
/// chunk's per-cluster sums and counts as of the chunk's last label change.
final class RestartState {
    private(set) var centers: Matrix
    /// ‖new − old‖ of every centre in the last update, rounded up; empty before it.
    private(set) var drift: [Double] = []
    let labels: UnsafeMutablePointer<Int32>
    /// Upper bound on the distance from each row to its centre.
    let upper: UnsafeMutablePointer<Double>
    /// Lower bound on the distance from each row to every other centre.
    let lower: UnsafeMutablePointer<Double>
    /// chunks × k × d sums and chunks × k counts.
    let chunkSums: UnsafeMutablePointer<Double>
    let chunkCounts: UnsafeMutablePointer<Int>
    let k: Int, d: Int
    var nIter = 0
    var converged = false
    var finished = false

    init(centers: Matrix, rows: Int, chunks: Int, k: Int, d: Int) {
        self.centers = centers
        self.k = k; self.d = d
        labels = .allocate(capacity: max(rows, 1))
        labels.initialize(repeating: -1, count: rows)
        upper = .allocate(capacity: max(rows, 1))
        lower = .allocate(capacity: max(rows, 1))
        chunkSums = .allocate(capacity: max(chunks * k * d, 1))
        chunkCounts = .allocate(capacity: max(chunks * k, 1))
    }

    func deallocate() {
        labels.deallocate(); upper.deallocate(); lower.deallocate(); chunkSums.deallocate(); chunkCounts.deallocate()
    }

    /// Before the first update: no bounds yet, every row is assigned in full.
    var first: Bool { drift.isEmpty }

    /// The chunks' sums combined in chunk order (a zero start, then each chunk in turn).
    func mergedSums(chunks: Int) -> GroupAccumulator {
        var acc = GroupAccumulator(groups: k, dims: d)
        for c in 0 ..< chunks {
            for j in 0 ..< k * d { acc.sums[j] += chunkSums[c * k * d + j] }
            for g in 0 ..< k { acc.counts[g] += chunkCounts[c * k + g] }
        }
        return acc
    }

    /// New centres; remembers how far each one moved.
    func move(to updated: Matrix) {
        drift = (0 ..< k).map { c in
            var s = 0.0
            for f in 0 ..< d {
                let e = updated[c, f] - centers[c, f]
                s += e * e
            }
            return s.squareRoot() * BoundedAssignment.roundUp
        }
        centers = updated
    }
}

/// One restart's assignment step with Hamerly's bounds (Hamerly 2010, "Making k-means even
/// faster"), made exact for the expanded distance of `Kernels`.
///
/// For row x with label a, u ≥ ‖x − c_a‖ and l ≤ ‖x − c‖ for every other centre c (true,
/// real-number distances). The computed squared distance D̃ differs from the true D by at
/// most E = 4(d + 4)·2⁻⁵³·(max‖x‖ + max‖c‖)² (the dot product and norms of d terms and two
/// more roundings; clamping at 0 only brings it closer). So when L² − u² > 2E, with
/// L = max(l, min_c ‖c_a − c‖ − u), every other centre's D̃ is strictly above c_a's: the full
/// pass would keep a, without a tie. Otherwise u is tightened from D̃(x, c_a) and, if that
/// is not enough, the row takes the full kernel's answer (nearest and second nearest). Every
/// quantity that feeds a bound is rounded outward (`roundUp`/`roundDown`), so the bounds hold
/// for the true distances; a generous margin only costs a few extra distance computations.
struct BoundedAssignment {
    static let roundUp = 1 + 0x1p-40, roundDown = 1 - 0x1p-40

    let state: RestartState
    let packed: PackedCenters
    /// 2E: the gap L² − u² must exceed.
    let margin: Double
    let drift: [Double]
    /// The largest drift, its centre, and the largest drift of any other centre.
    let maxDrift: Double, maxDriftCenter: Int, otherDrift: Double
    /// Per centre: a lower bound on the distance to the nearest other centre.
    let gap: [Double]

    init(_ state: RestartState, rowNormBound: Double) {
        self.state = state
        let centers = state.centers, k = state.k, d = state.d
        packed = PackedCenters(centers)
        let centerNormBound = (Kernels.rowSquaredNorms(centers).max() ?? 0).squareRoot() * Self.roundUp
        let e = 4 * Double(d + 4) * 0x1p-53 * (rowNormBound + centerNormBound) * (rowNormBound + centerNormBound)
        margin = 2 * e * Self.roundUp
        drift = state.drift
        var top = (value: 0.0, center: -1), other = 0.0
        for (c, p) in drift.enumerated() {
            if p > top.value { other = top.value; top = (p, c) } else if p > other { other = p }
        }
        (maxDrift, maxDriftCenter, otherDrift) = (top.value, top.center, other)
        var gap = [Double](repeating: .infinity, count: k)
        for a in 0 ..< k {
            for b in a + 1 ..< k {
                var s = 0.0
                for f in 0 ..< d {
                    let e = centers[a, f] - centers[b, f]
                    s += e * e
                }
                let g = s.squareRoot() * Self.roundDown
                gap[a] = min(gap[a], g); gap[b] = min(gap[b], g)
            }
        }
        self.gap = gap
    }

    /// Whether bounds u (on the own centre) and l (on every other) prove the label.
    @inline(__always)
    private func decided(_ u: Double, _ l: Double, _ gap: Double) -> Bool {
        let low = max(l, gap - u)
        guard low > u else { return false }
        return ((low - u) * (low + u)) * Self.roundDown > margin
    }

    /// Assigns rows `rows` (chunk `chunk`); re-sums the chunk if a label changed. Returns the
    /// number of changed labels.
    func assign(_ x: UnsafePointer<Double>, xNorms: UnsafePointer<Double>, rows: Range<Int>, chunk: Int) -> Int {
        let labels = state.labels, upper = state.upper, lower = state.lower, d = state.d, k = state.k
        let e = margin / 2
        var pending = [Int]()
        if state.first {
            pending = Array(rows)
        } else {
            for i in rows {
                let a = Int(labels[i])
                let u = (upper[i] + drift[a]) * Self.roundUp
                let l = max((lower[i] - (a == maxDriftCenter ? otherDrift : maxDrift)) * Self.roundDown, 0)
                upper[i] = u
                lower[i] = l
                if decided(u, l, gap[a]) { continue }
                let tight = ((packed.distance(x + i * d, norm: xNorms[i], center: a) + e) * Self.roundUp).squareRoot() * Self.roundUp
                upper[i] = tight
                if decided(tight, l, gap[a]) { continue }
                pending.append(i)
            }
        }
        var changed = 0
        if !pending.isEmpty {
            let m = pending.count
            let found = UnsafeMutablePointer<Int32>.allocate(capacity: m)
            let best = UnsafeMutablePointer<Double>.allocate(capacity: m), second = UnsafeMutablePointer<Double>.allocate(capacity: m)
            defer { found.deallocate(); best.deallocate(); second.deallocate() }
            pending.withUnsafeBufferPointer { rowsToDo in
                packed.nearestTwo(x, xNorms: xNorms, rows: rowsToDo.baseAddress!, count: m, labels: found, best: best, second: second)
            }
            for (j, i) in pending.enumerated() {
                if labels[i] != found[j] { changed += 1 }
                labels[i] = found[j]
                upper[i] = ((best[j] + e) * Self.roundUp).squareRoot() * Self.roundUp
                lower[i] = (max((second[j] - e) * Self.roundDown, 0)).squareRoot() * Self.roundDown
            }
        }
        if changed > 0 || state.first {
            let sums = state.chunkSums + chunk * k * d, counts = state.chunkCounts + chunk * k
            sums.initialize(repeating: 0, count: k * d)
            counts.initialize(repeating: 0, count: k)
            Kernels.addRows(x, dims: d, labels: UnsafePointer(labels), rows: rows, sums: sums, counts: counts)
        }
        return changed
    }
}
