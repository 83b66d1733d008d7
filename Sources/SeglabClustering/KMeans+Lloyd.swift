import SeglabNumerics

extension KMeans {
    struct LloydResult {
        var labels: [Int]
        var centers: Matrix
        var inertia: Double
        var nIter: Int
        /// Iterations whose sums were updated by the rows that moved; of those, the ones that met
        /// rows too near a tie and called them with Lloyd's centres; and deferred iterations
        /// undone and taken again (see `lloyd(starts:)`).
        var deferredIterations = 0
        var resolvedIterations = 0
        var redoneIterations = 0
    }

    /// Lloyd iterations from `centers` (scikit-learn's `_kmeans_single_lloyd`).
    func lloyd(_ x: Matrix, facts: MatrixFacts, centers: Matrix, threshold: Double,
               context: FitContext) throws -> LloydResult {
        try lloyd(x, facts: facts, starts: [centers], threshold: threshold, context: context)[0]
    }

    /// Lloyd iterations from each of `starts`, as if each ran alone (scikit-learn's
    /// `_kmeans_single_lloyd`), results in the order of `starts`.
    ///
    /// Exact, with Hamerly's bounds (see `BoundedAssignment`): a row is given a new nearest
    /// centre only when its bounds cannot prove the old one is still strictly nearest, and
    /// then with the very kernel and arithmetic of a full Lloyd pass, so every iteration's
    /// labels are Lloyd's. The centres are Lloyd's to the bit: each chunk's per-cluster sums
    /// are summed again, rows in order, from its first changed row, and the chunks combined in
    /// chunk order.
    ///
    /// Those sums are deferred while they are not needed to the bit. After the first iteration
    /// an iteration adds and subtracts the rows that changed cluster to running sums instead (a
    /// few rows instead of a read of every chunk that changed), and assigns the next rows with
    /// those centres, whose distance to Lloyd's is bounded (`RestartState.coordinateError`):
    /// every decision is taken with that margin added to the distances' error, so it is Lloyd's.
    /// A chunk with a row too near a tie to call is left as it was and assigned again with
    /// Lloyd's centres, the other chunks' decisions kept; an empty cluster or a shift too close
    /// to the tolerance to call undoes the iteration, which is taken again with Lloyd's centres.
    /// Lloyd's centres are summed, from the rows' labels, whenever they are needed: for those,
    /// before an exact iteration, at the end.
    ///
    /// The restarts share the passes over the data: a fixed chunk of rows is read once and
    /// every unfinished restart processes it, each exactly as a fit on its own. `facts` are
    /// the matrix's (`MatrixFacts`).
    func lloyd(_ x: Matrix, facts: MatrixFacts, starts: [Matrix], threshold: Double,
               context: FitContext) throws -> [LloydResult] {
        let n = x.rows, d = x.cols, k = self.k
        let chunks = Parallel.chunkRanges(count: n, chunkSize: Kernels.rowChunk)
        // Bounds every true row norm from above: the computed squared norms are within a few
        // rounding errors of the true ones.
        let rowNormBound = Bound.up(facts.largestSquaredNorm.squareRoot())
        // A cluster's sum taken as Lloyd's are (rows in order within a chunk, then the chunks in
        // order: at most rowChunk + chunks roundings) is within m·2⁻⁵³·Σ|x| of the real sum.
        let m = Double(Kernels.rowChunk + chunks.count + 2)
        let sumError = facts.columnAbsoluteSums.map { Bound.up($0 * m * 0x1p-52) }
        let states = starts.map { RestartState(centers: $0, rows: n, chunks: chunks.count, k: k, d: d, sumError: sumError) }
        defer { for s in states { s.deallocate() } }
        // One bounded assignment of every row for each of `steps`; per chunk, per step.
        func assignAll(_ steps: [BoundedAssignment], summing: Bool) -> [[AssignOutcome]] {
            x.storage.withUnsafeBufferPointer { xs in
                Parallel.mapChunks(count: n, chunkSize: Kernels.rowChunk) { rows -> [AssignOutcome] in
                    steps.map { $0.assign(xs.baseAddress!, rows: rows, chunk: rows.lowerBound / Kernels.rowChunk, summing: summing) }
                }
            }
        }
        // The chunks' sums brought up to the labels, and Lloyd's centres if they were deferred.
        func exact(_ state: RestartState) {
            guard state.stale || state.deferred else { return }
            x.storage.withUnsafeBufferPointer { xs in
                Parallel.forEachChunk(count: n, chunkSize: Kernels.rowChunk) { rows in
                    state.catchUp(xs.baseAddress!, rows: rows, chunk: rows.lowerBound / Kernels.rowChunk)
                }
            }
            let acc = state.mergedSums(chunks: chunks.count)
            state.caughtUp(acc, centers: Self.means(acc))
        }
        // A deferred pass whose chunks met rows too near a tie (left as they were): the other
        // chunks' labels and bounds are Lloyd's, so only those chunks are assigned again, with
        // Lloyd's centres of the labels before the pass, and the pass stays deferred.
        func resolve(_ state: RestartState, _ outcomes: [AssignOutcome]) -> [AssignOutcome] {
            state.relabel(outcomes, back: true)
            exact(state)
            state.relabel(outcomes, back: false)
            let step = BoundedAssignment(state, rowNormBound: rowNormBound, deferring: true)
            let again = outcomes.indices.filter { outcomes[$0].ambiguous }
            let assigned = x.storage.withUnsafeBufferPointer { xs in
                Parallel.mapChunks(count: again.count, chunkSize: 1) { r in
                    step.assign(xs.baseAddress!, rows: chunks[again[r.lowerBound]], chunk: again[r.lowerBound], summing: true)
                }
            }
            var resolved = outcomes
            for (c, outcome) in zip(again, assigned) { resolved[c] = outcome }
            state.resolved()
            return resolved
        }
        var iteration = 0
        while iteration < maxIter, states.contains(where: { !$0.finished }) {
            iteration += 1
            try context.checkpoint(iteration: iteration, of: maxIter)
            let active = states.filter { !$0.finished }
            for state in active where !state.mayDefer { exact(state) }
            let steps = active.map { BoundedAssignment($0, rowNormBound: rowNormBound, deferring: $0.mayDefer) }
            let outcomes = assignAll(steps, summing: true)
            var again = [RestartState]()
            for (a, state) in active.enumerated() {
                var mine = outcomes.map { $0[a] }
                if steps[a].deferring {
                    if mine.contains(where: \.ambiguous) { mine = resolve(state, mine) }
                    if !finishDeferred(state, mine, iteration: iteration, threshold: threshold) { again.append(state) }
                } else {
                    finishExact(x, state, mine, packed: steps[a].packed, iteration: iteration, threshold: threshold)
                }
            }
            // The iterations undone: again with Lloyd's centres of the labels before them.
            guard !again.isEmpty else { continue }
            for state in again { exact(state) }
            let exactSteps = again.map { BoundedAssignment($0, rowNormBound: rowNormBound, deferring: false) }
            let redone = assignAll(exactSteps, summing: true)
            for (a, state) in again.enumerated() {
                finishExact(x, state, redone.map { $0[a] }, packed: exactSteps[a].packed, iteration: iteration, threshold: threshold)
            }
        }
        for state in states { exact(state) }
        // A restart stopped by the tolerance or max_iter labels its rows by its final centres: one
        // more assignment, which its bounds (valid for those centres) mostly decide.
        let unsettled = states.filter { !$0.converged }
        if !unsettled.isEmpty {
            _ = assignAll(unsettled.map { BoundedAssignment($0, rowNormBound: rowNormBound, deferring: false) }, summing: false)
        }
        let inertias = Kernels.sumSquaredResiduals(x, labelings: states.map { (centers: $0.centers, labels: UnsafePointer($0.labels)) })
        return zip(states, inertias).map { s, inertia in
            LloydResult(labels: (0 ..< n).map { Int(s.labels[$0]) }, centers: s.centers, inertia: inertia, nIter: s.nIter,
                        deferredIterations: s.deferredIterations, resolvedIterations: s.resolvedIterations,
                        redoneIterations: s.undone)
        }
    }

    /// The end of an exact iteration, as the plain algorithm: the chunks' sums merged, empty
    /// clusters relocated, the means, the shift and the stopping tests.
    private func finishExact(_ x: Matrix, _ state: RestartState, _ outcomes: [AssignOutcome], packed: PackedCenters,
                             iteration: Int, threshold: Double) {
        let merged = state.mergedSums(chunks: outcomes.count)
        var acc = merged
        let moved = outcomes.reduce(0) { $0 + $1.changed }
        var relocated = false
        if acc.counts.contains(0) {
            // The same centres again give the same labels, now with every distance.
            let minSqDist = packed.nearest(x, xNorms: Kernels.rowSquaredNorms(x)).minSqDist
            relocated = relocateEmptyClusters(x, labels: state.labels, minSqDist: minSqDist, into: &acc)
        }
        let updated = Self.means(acc)
        let shift = Self.squaredShift(from: state.centers, to: updated)
        state.move(to: updated, error: nil)
        // The next deferred sums start from the labels' sums (a relocation is not kept in them:
        // the next exact sums are summed from the labels again).
        state.setExact(sums: merged)
        state.nIter = iteration
        // Unchanged labels mean the centres are already their means: no final assignment
        // needed, unless a relocation moved a centre in this very iteration.
        if moved == 0 && !relocated {
            state.converged = true
            state.finished = true
        } else if shift <= threshold {
            state.finished = true
        }
        state.allowDeferring()
    }

    /// The end of a deferred iteration: the running sums moved by the rows that changed
    /// cluster, the centres from them with their error, and the stopping tests when their
    /// outcome is certain. Returns false, with every label back as it was, when the iteration
    /// must be taken again with Lloyd's centres: an empty cluster, a shift too near the
    /// tolerance (rows too near a tie were called first: `resolve`).
    private func finishDeferred(_ state: RestartState, _ outcomes: [AssignOutcome], iteration: Int, threshold: Double) -> Bool {
        let d = state.d, k = state.k
        // The moved rows' counts and sums, chunk by chunk in chunk order, and a bound on their
        // roundings.
        var counts = state.counts, sums = state.sums, movedAbsolute = [Double](repeating: 0, count: d)
        var movedRows = 0
        for o in outcomes where !o.movedRows.isEmpty {
            movedRows += o.movedRows.count
            for c in 0 ..< k { counts[c] += o.countDeltas[c] }
            for j in 0 ..< k * d { sums[j] += o.deltas[j] }
            for f in 0 ..< d { movedAbsolute[f] += o.movedAbsolute[f] }
        }
        guard !counts.contains(0) else {
            state.undo(outcomes)
            return false
        }
        var acc = GroupAccumulator(groups: k, dims: d)
        acc.sums = sums
        acc.counts = counts
        let updated = Self.means(acc)
        let roundings = Double(movedRows + outcomes.count + 2) * 0x1p-52
        var sumsError = state.deferredError
        var error = [Double](repeating: 0, count: k * d)
        for c in 0 ..< k {
            let alpha = 1 / Double(counts[c])
            for f in 0 ..< d {
                let j = c * d + f
                sumsError[j] = Bound.up(sumsError[j] + Bound.up(roundings * Bound.up(abs(sums[j]) + 2 * movedAbsolute[f])))
                // |running − Lloyd's sum| ≤ 2·(Lloyd's sum's error bound) + the running roundings;
                // through the same reciprocal, the means differ by that over the count and two
                // roundings of the mean.
                let apart = Bound.up(2 * state.sumError[f] + sumsError[j])
                error[j] = Bound.up(apart * alpha * (1 + 0x1p-50) + abs(updated.storage[j]) * 0x1p-51) + 0x1p-1000
            }
        }
        // The shift as Lloyd computes it, within a bound of it.
        let shift = Self.squaredShift(from: state.centers, to: updated)
        var slack = 0.0
        for j in 0 ..< updated.storage.count {
            let e = updated.storage[j] - state.centers.storage[j]
            let delta = Bound.up(Bound.up(error[j] + state.coordinateError[j]) * (1 + 0x1p-50) + abs(e) * 0x1p-51)
            slack = Bound.up(slack + Bound.up(2 * abs(e) * delta + delta * delta))
        }
        slack = Bound.up(slack * (1 + 0x1p-40) + Double(k * d + 4) * 0x1p-51 * Bound.up(shift + slack))
        let moved = outcomes.reduce(0) { $0 + $1.changed }
        let finished: Bool
        if moved == 0 {
            finished = true
        } else if Bound.up(shift + slack) <= threshold {
            finished = true
        } else if Bound.down(shift - slack) > threshold {
            finished = false
        } else {
            state.undo(outcomes)
            return false
        }
        state.move(to: updated, error: error)
        state.setDeferred(sums: sums, counts: counts, error: sumsError)
        state.nIter = iteration
        state.converged = moved == 0
        state.finished = finished
        state.allowDeferring()
        return true
    }

    /// Σ (new − old)² over the centres' coordinates in order: the shift Lloyd tests against the
    /// tolerance.
    private static func squaredShift(from old: Matrix, to new: Matrix) -> Double {
        var shift = 0.0
        for j in 0 ..< new.storage.count {
            let e = new.storage[j] - old.storage[j]
            shift += e * e
        }
        return shift
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
    static func means(_ acc: GroupAccumulator) -> Matrix {
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
/// per-cluster sums and counts as of the chunk's last re-sum, with the running sums at the
/// start of each stretch of the chunk's rows; while the sums are deferred, the running sums
/// of all rows and the bound on the centres' distance to Lloyd's.
///
/// The bounds are stored relative to the accumulated movement, so a row whose label the
/// bounds decide costs reads only: with U and L as stored, its upper bound is
/// `U + travelled[label]` and its lower bound `L − travelledMax` (Hamerly's per-iteration
/// updates, summed). They bound the distances to Lloyd's centres: every movement added bounds
/// the movement of Lloyd's centres.
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
    /// Per chunk, the first row whose label changed since its sums were last summed (Int.max:
    /// none) and, chunks × k, the clusters that lost or gained one of its rows since.
    let staleFrom: UnsafeMutablePointer<Int>
    let staleTouched: UnsafeMutablePointer<Int32>
    /// Rows per stretch: a re-sum starts at the stretch of the chunk's first changed row (in the
    /// late iterations a chunk has a few changed rows, anywhere), and the kept sums cost k × d
    /// doubles per stretch.
    static let stretchRows = 1024
    static let stretchesPerChunk = Kernels.rowChunk / stretchRows
    let k: Int, d: Int
    var nIter = 0
    var converged = false
    var finished = false

    /// The sums (k × d, as Lloyd combines them) and counts of the current labels: Lloyd's when
    /// not `deferred`, else the running sums, moved by the rows that changed cluster since.
    private(set) var sums: [Double]
    private(set) var counts: [Int]
    /// Per feature: |Lloyd's sum of a cluster − its real sum| is at most this.
    let sumError: [Double]
    /// k × d: the running sums' roundings since they were Lloyd's, bounded.
    private(set) var deferredError: [Double]
    /// k × d: |centre coordinate − Lloyd's| is at most this (0 when not `deferred`); per
    /// centre, the norm of its row.
    private(set) var coordinateError: [Double]
    private(set) var epsilon: [Double]
    /// Whether the centres are the running sums' (within `coordinateError` of Lloyd's).
    private(set) var deferred = false
    /// Whether some chunk's sums lag behind its labels (`staleFrom`).
    private(set) var stale = false
    /// Whether the next iteration may defer its sums: not the first, nor after two deferred
    /// iterations in a row had to sum Lloyd's centres (data with exact ties would sum them in
    /// every one; a rare near tie costs one catch-up).
    private(set) var mayDefer = false
    private(set) var undone = 0
    private(set) var resolvedIterations = 0
    private var troubledInARow = 0
    private var troubled = false
    private(set) var deferredIterations = 0

    init(centers: Matrix, rows: Int, chunks: Int, k: Int, d: Int, sumError: [Double]) {
        self.centers = centers
        self.k = k; self.d = d
        self.sumError = sumError
        travelled = [Double](repeating: 0, count: k)
        sums = [Double](repeating: 0, count: k * d)
        counts = [Int](repeating: 0, count: k)
        deferredError = sums
        coordinateError = sums
        epsilon = travelled
        labels = .allocate(capacity: max(rows, 1))
        labels.initialize(repeating: -1, count: rows)
        bounds = .allocate(capacity: max(rows, 1))
        chunkSums = .allocate(capacity: max(chunks * k * d, 1))
        chunkCounts = .allocate(capacity: max(chunks * k, 1))
        let kept = chunks * (Self.stretchesPerChunk - 1)
        keptSums = .allocate(capacity: max(kept * k * d, 1))
        keptCounts = .allocate(capacity: max(kept * k, 1))
        staleFrom = .allocate(capacity: max(chunks, 1))
        staleFrom.initialize(repeating: .max, count: max(chunks, 1))
        staleTouched = .allocate(capacity: max(chunks * k, 1))
        staleTouched.initialize(repeating: 0, count: max(chunks * k, 1))
    }

    func deallocate() {
        labels.deallocate(); bounds.deallocate(); chunkSums.deallocate(); chunkCounts.deallocate()
        keptSums.deallocate(); keptCounts.deallocate(); staleFrom.deallocate(); staleTouched.deallocate()
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

    /// New centres, within `error` (k × d; nil: none) of Lloyd's; adds how far each one moved,
    /// plus the old and new errors, to the travelled distances.
    func move(to updated: Matrix, error: [Double]?) {
        let newEpsilon = error.map { e in (0 ..< k).map { c in Self.norm(e[c * d ..< (c + 1) * d]) } } ?? [Double](repeating: 0, count: k)
        var largest = 0.0
        for c in 0 ..< k {
            var s = 0.0
            for f in 0 ..< d {
                let e = updated[c, f] - centers[c, f]
                s += e * e
            }
            let step = Bound.up(Bound.up(s.squareRoot()) + Bound.up(epsilon[c] + newEpsilon[c]))
            travelled[c] = Bound.up(travelled[c] + step)
            largest = max(largest, step)
        }
        travelledMax = Bound.up(travelledMax + largest)
        centers = updated
        coordinateError = error ?? [Double](repeating: 0, count: k * d)
        epsilon = newEpsilon
        updates += 1
    }

    /// ‖v‖ rounded up.
    private static func norm(_ v: ArraySlice<Double>) -> Double {
        Bound.up(Bound.up(v.reduce(0) { Bound.up($0 + Bound.up($1 * $1)) }).squareRoot())
    }

    /// Lloyd's sums of the labels, after an exact iteration or a catch-up.
    func setExact(sums merged: GroupAccumulator) {
        sums = merged.sums
        counts = merged.counts
        deferredError = [Double](repeating: 0, count: k * d)
    }

    /// After a deferred iteration: the running sums of the new labels (the chunks marked stale).
    func setDeferred(sums running: [Double], counts: [Int], error: [Double]) {
        sums = running
        self.counts = counts
        deferredError = error
        deferred = true
        stale = true
        deferredIterations += 1
        troubledInARow = troubled ? troubledInARow + 1 : 0
        troubled = false
    }

    /// The next iteration may defer, unless the last two deferred ones were resolved or undone.
    func allowDeferring() {
        mayDefer = troubledInARow < 2
    }

    /// This deferred pass called its rows too near a tie with Lloyd's centres (`resolve`).
    func resolved() {
        resolvedIterations += 1
        troubled = true
    }

    /// The rows that changed cluster in a deferred pass given their labels before it
    /// (`back`), bounds untouched, or their new labels again with their chunks marked stale.
    func relabel(_ outcomes: [AssignOutcome], back: Bool) {
        for (chunk, o) in outcomes.enumerated() where !o.movedRows.isEmpty {
            for (i, (old, new)) in zip(o.movedRows, zip(o.movedOld, o.movedNew)) { labels[i] = back ? old : new }
            if back { continue }
            var touched = [Int32](repeating: 0, count: k)
            for (old, new) in zip(o.movedOld, o.movedNew) { touched[Int(old)] = 1; touched[Int(new)] = 1 }
            markStale(chunk: chunk, from: o.movedRows[0], touched: touched)
            stale = true
        }
    }

    /// A deferred iteration undone: the rows that changed cluster take back their labels, with
    /// bounds that decide nothing (theirs were for the new label); the other rows' new bounds
    /// hold for the same centres. The chunks stay marked (a re-sum from an earlier row gives the
    /// same sums).
    func undo(_ outcomes: [AssignOutcome]) {
        relabel(outcomes, back: true)
        for o in outcomes {
            for i in o.movedRows { bounds[i] = SIMD2(-.infinity, -.infinity) }
        }
        stale = true
        undone += 1
        troubledInARow += 1
        troubled = false
        mayDefer = false
    }

    /// Chunk `chunk` marked: its first changed row and the clusters touched.
    func markStale(chunk: Int, from row: Int, touched: UnsafePointer<Int32>) {
        staleFrom[chunk] = min(staleFrom[chunk], row)
        for c in 0 ..< k { staleTouched[chunk * k + c] |= touched[c] }
    }

    /// Chunk `chunk`'s sums brought up to its labels, if marked.
    func catchUp(_ x: UnsafePointer<Double>, rows: Range<Int>, chunk: Int) {
        guard staleFrom[chunk] != .max else { return }
        resum(x, rows: rows, chunk: chunk, touched: staleTouched + chunk * k, from: staleFrom[chunk])
        staleFrom[chunk] = .max
        (staleTouched + chunk * k).update(repeating: 0, count: k)
    }

    /// After every chunk caught up: Lloyd's sums, and Lloyd's centres (`exact`, those sums'
    /// means) if they were deferred, to the bit and with no movement. Centres that were not
    /// deferred stay (a relocation may have moved them off their sums' means).
    func caughtUp(_ merged: GroupAccumulator, centers exact: Matrix) {
        stale = false
        setExact(sums: merged)
        guard deferred else { return }
        centers = exact
        coordinateError = [Double](repeating: 0, count: k * d)
        epsilon = [Double](repeating: 0, count: k)
        deferred = false
    }

    /// The chunk's sums and counts of the clusters that lost or gained a row, summed again over
    /// the chunk's rows in order, as the full pass would (`Kernels.addRows`), from the start of
    /// the stretch holding `firstChanged` (the smallest row whose label changed): before it no row
    /// joined or left a cluster, so the running sums kept there are the very partial sums the
    /// full pass would reach. When most clusters are touched every cluster is summed again (the
    /// same sums, to the bit) without a test of each row's cluster. An untouched cluster's kept
    /// sums stay valid: none of its rows changed.
    func resum(_ x: UnsafePointer<Double>, rows: Range<Int>, chunk: Int, touched: UnsafePointer<Int32>,
               from firstChanged: Int) {
        let stretch = Self.stretchRows
        let sums = chunkSums + chunk * k * d, counts = chunkCounts + chunk * k
        var touchedCount = 0
        for c in 0 ..< k { touchedCount += Int(touched[c]) }
        let all = 2 * touchedCount >= k
        let start = (firstChanged - rows.lowerBound) / stretch
        let stretches = (rows.count + stretch - 1) / stretch
        // Back to the running sums before stretch `start`: zero, or as kept.
        let origin = start == 0 ? nil : kept(chunk: chunk, stretch: start)
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
                let kept = kept(chunk: chunk, stretch: s)
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

/// What one chunk's assignment did for one restart: how many labels changed; in a deferred
/// pass, the rows that changed cluster (in row order, with their old and new clusters), their
/// sums' change (k × d), counts' change (k) and per feature Σ|x| over them, or that a row was
/// too near a tie (nothing written).
struct AssignOutcome {
    var changed = 0
    var ambiguous = false
    var movedRows: [Int] = []
    var movedOld: [Int32] = []
    var movedNew: [Int32] = []
    var deltas: [Double] = []
    var countDeltas: [Int] = []
    var movedAbsolute: [Double] = []
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
/// real-number distances to Lloyd's centres). Lloyd's computed squared distance D̃ differs from
/// the true D by at most E (`Bound.squaredDistanceError`, with r = max‖x‖ + max‖c‖). So when
/// L² − u² > 2E, with L = max(l, min_c ‖c_a − c‖ − u), every other centre's D̃ is strictly above
/// c_a's: the full pass would keep a, without a tie. As u ≥ 0 and L + u ≥ L − u, L − u > s
/// with s ≥ √(2E) is enough, and it splits into two tests that each compare one stored bound
/// with a number per centre (see `assign`). Otherwise the row takes the full kernel's answer
/// (nearest and second nearest; Hamerly's tightening of u by one distance first cost more than
/// it saved, mostly in mispredicted branches). Every quantity that feeds a bound or a threshold
/// is rounded outward (`Bound`), so the bounds hold for the true distances; a generous margin
/// only costs a few extra distance computations.
///
/// With deferred centres, each within ε of Lloyd's, a distance computed to them is within
/// E′ = 2E + 2rε + ε² of Lloyd's computed one: the full kernel's label is Lloyd's when the
/// second distance exceeds the first by more than 2E′ (else the pass reports a near tie), the
/// new bounds take E′ for E, and the centres' gaps shrink by their errors.
struct BoundedAssignment {
    let state: RestartState
    let packed: PackedCenters
    /// The error of a computed squared distance, against Lloyd's true one: E, or E′ with deferred
    /// centres.
    let error: Double
    /// With deferred centres, 2E′: the least gap between the nearest two distances that proves
    /// the nearest is Lloyd's (`rowMargin`: the same with one row's norm for the largest).
    let margin: Double?
    /// Bounds every centre's norm from above, and the largest distance of a centre to Lloyd's.
    let centerNormBound: Double, largestEpsilon: Double
    /// Whether this pass defers the sums (see `KMeans.lloyd(starts:)`).
    let deferring: Bool
    let travelled: [Double], travelledMax: Double
    /// Per label a, what the row's stored pair (L − U, −U) must exceed in either lane for its
    /// label to be proven: L − U above the first lane is l − u > s, −U above the second is
    /// 2u < min_c ‖c_a − c‖ − s.
    let thresholds: [SIMD2<Float>]

    init(_ state: RestartState, rowNormBound: Double, deferring: Bool) {
        self.state = state
        self.deferring = deferring
        let centers = state.centers, k = state.k, d = state.d
        packed = PackedCenters(centers)
        let epsilon = state.epsilon
        let largestEpsilon = epsilon.max() ?? 0
        let centerNormBound = Bound.up(Bound.up((Kernels.rowSquaredNorms(centers).max() ?? 0).squareRoot()) + largestEpsilon)
        self.centerNormBound = centerNormBound
        self.largestEpsilon = largestEpsilon
        let r = Bound.up(rowNormBound + centerNormBound)
        let plain = Bound.squaredDistanceError(dims: d, normSum: r)
        if state.deferred {
            error = Self.deferredError(plain: plain, normSum: r, epsilon: largestEpsilon)
            margin = Bound.up(2 * error)
        } else {
            error = plain
            margin = nil
        }
        let s = Bound.up(Bound.up(2 * plain).squareRoot())
        let travelled = state.travelled, travelledMax = state.travelledMax
        self.travelled = travelled
        self.travelledMax = travelledMax
        // A lower bound on the distance from each of Lloyd's centres to the nearest other one.
        var gap = [Double](repeating: .infinity, count: k)
        centers.storage.withUnsafeBufferPointer { cs in
            for a in 0 ..< k {
                for b in a + 1 ..< k {
                    let sum = Kernels.differencedSquaredDistance(cs.baseAddress! + a * d, cs.baseAddress! + b * d, count: d)
                    let g = Bound.down(sum.squareRoot() * (1 - 0x1p-40) - Bound.up(epsilon[a] + epsilon[b]))
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

    /// E′ = 2E + 2rε + ε², rounded up: the error, against Lloyd's computed squared distance, of
    /// one computed to centres within ε of Lloyd's, r bounding ‖x‖ + ‖c‖.
    static func deferredError(plain: Double, normSum r: Double, epsilon: Double) -> Double {
        Bound.up(Bound.up(2 * plain) + Bound.up(Bound.up(2 * r * epsilon) + Bound.up(epsilon * epsilon)))
    }

    /// `margin` for one row, from its own norm: the largest norm sets the margin for every row,
    /// and a few rows with large values would otherwise leave typical ones too near a tie.
    func rowMargin(_ row: UnsafePointer<Double>) -> Double {
        let d = state.d
        let r = Bound.up(Bound.up(Kernels.dot(row, row, count: d).squareRoot()) + centerNormBound)
        let plain = Bound.squaredDistanceError(dims: d, normSum: r)
        return Bound.up(2 * Self.deferredError(plain: plain, normSum: r, epsilon: largestEpsilon))
    }

    /// Assigns rows `rows` (chunk `chunk`); when a label changed and `summing`, re-sums the
    /// chunk's clusters or, deferring, marks the chunk and reports the rows that changed
    /// cluster with their sums' change.
    ///
    /// Two phases, each a straight loop: the rows whose bounds cannot decide are listed
    /// (`Kernels.undecidedRows`: every row's bounds read, no branch), then those rows go through
    /// the full kernel together (`PackedCenters.nearestTwo`) and get new bounds from their
    /// nearest and second-nearest distances (`Kernels.newBounds`: the square roots nudged up for
    /// u and down for l by 2⁻⁴⁴, the Float bounds rounded outward, several rows per vector).
    func assign(_ x: UnsafePointer<Double>, rows: Range<Int>, chunk: Int, summing: Bool) -> AssignOutcome {
        let labels = state.labels, bounds = state.bounds, k = state.k, d = state.d
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
            guard count > 0 else { return AssignOutcome() }
            return withUnsafeTemporaryAllocation(of: Int32.self, capacity: count + k) { labelScratch in
                withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * count) { distanceScratch in
                    let found = labelScratch.baseAddress!, best = distanceScratch.baseAddress!, second = best + count
                    packed.nearestTwo(x, rows: undecided, count: count, labels: found, best: best, second: second)
                    if let margin {
                        for j in 0 ..< count where !(second[j] - best[j] > margin) {
                            guard second[j] - best[j] > rowMargin(x + undecided[j] * d) else { return AssignOutcome(ambiguous: true) }
                        }
                    }
                    var outcome = AssignOutcome()
                    if deferring {
                        for j in 0 ..< count where found[j] != labels[undecided[j]] {
                            outcome.movedRows.append(undecided[j])
                            outcome.movedOld.append(labels[undecided[j]])
                            outcome.movedNew.append(found[j])
                        }
                    }
                    // touched[c] ≠ 0: cluster c lost or gained a row of this chunk.
                    let touched = found + count
                    touched.initialize(repeating: first ? 1 : 0, count: k)
                    let (changed, firstChanged) = travelled.withUnsafeBufferPointer { tp in
                        Kernels.newBounds(rows: undecided, count: count, found: found, best: best, second: second,
                                          error: error, travelled: tp.baseAddress!, travelledMax: travelledMax,
                                          labels: labels, bounds: bounds, touched: touched)
                    }
                    outcome.changed = changed
                    guard changed > 0 && summing else { return outcome }
                    if !deferring {
                        state.resum(x, rows: rows, chunk: chunk, touched: touched, from: firstChanged)
                        return outcome
                    }
                    state.markStale(chunk: chunk, from: firstChanged, touched: touched)
                    var deltas = [Double](repeating: 0, count: k * d), absolute = [Double](repeating: 0, count: d)
                    var countDeltas = [Int](repeating: 0, count: k)
                    deltas.withUnsafeMutableBufferPointer { delta in
                        absolute.withUnsafeMutableBufferPointer { a in
                            for j in outcome.movedRows.indices {
                                let r = x + outcome.movedRows[j] * d
                                let new = Int(outcome.movedNew[j]), old = Int(outcome.movedOld[j])
                                countDeltas[new] += 1
                                countDeltas[old] -= 1
                                for f in 0 ..< d {
                                    delta[new * d + f] += r[f]
                                    delta[old * d + f] -= r[f]
                                    a[f] += abs(r[f])
                                }
                            }
                        }
                    }
                    outcome.deltas = deltas
                    outcome.countDeltas = countDeltas
                    outcome.movedAbsolute = absolute
                    return outcome
                }
            }
        }
    }
}
