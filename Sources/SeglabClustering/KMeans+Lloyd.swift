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
    /// The restarts share the passes over the data: a fixed chunk of rows is read once and
    /// every unfinished restart assigns it and sums it, each with exactly the arithmetic of a
    /// fit on its own (per-chunk sums in row order, combined in chunk order), so the result
    /// of every restart is the same bits whatever else runs in its batch.
    func lloyd(_ x: Matrix, xNorms: [Double], starts: [Matrix], threshold: Double,
               context: FitContext) throws -> [LloydResult] {
        let n = x.rows, d = x.cols, k = self.k
        let chunks = Parallel.chunkRanges(count: n, chunkSize: Kernels.rowChunk)
        var states = starts.map { RestartState(centers: $0, rows: n) }
        defer { for s in states { s.labels.deallocate() } }
        var iteration = 0
        while iteration < maxIter, states.contains(where: { !$0.finished }) {
            iteration += 1
            try context.checkpoint(iteration: iteration, of: maxIter)
            let active = states.indices.filter { !states[$0].finished }
            let packed = active.map { PackedCenters(states[$0].centers) }
            let labelPointers = active.map { states[$0].labels }
            // partial[chunk][a]: the chunk's sums, counts and changed labels for restart active[a].
            let partial = x.storage.withUnsafeBufferPointer { xs in
                xNorms.withUnsafeBufferPointer { ns in
                    Parallel.mapChunks(count: n, chunkSize: Kernels.rowChunk) { rows -> [ChunkSums] in
                        packed.indices.map { a in
                            var part = ChunkSums(k: k, d: d)
                            part.changed = part.sums.withUnsafeMutableBufferPointer { sp in
                                part.counts.withUnsafeMutableBufferPointer { cp in
                                    packed[a].lloydPass(xs.baseAddress!, xNorms: ns.baseAddress!, rows: rows,
                                                        labels: labelPointers[a], sums: sp.baseAddress!, counts: cp.baseAddress!)
                                }
                            }
                            return part
                        }
                    }
                }
            }
            for (a, r) in active.enumerated() {
                var acc = GroupAccumulator(groups: k, dims: d)
                var changed = 0
                for c in chunks.indices {
                    let p = partial[c][a]
                    for j in acc.sums.indices { acc.sums[j] += p.sums[j] }
                    for g in 0 ..< k { acc.counts[g] += p.counts[g] }
                    changed += p.changed
                }
                var relocated = false
                if acc.counts.contains(0) {
                    // The same centres again give the same labels, now with their distances.
                    let minSqDist = packed[a].nearest(x, xNorms: xNorms).minSqDist
                    relocated = relocateEmptyClusters(x, labels: states[r].labels, minSqDist: minSqDist, into: &acc)
                }
                let updated = Self.means(acc)
                var shift = 0.0
                for j in 0 ..< updated.storage.count {
                    let e = updated.storage[j] - states[r].centers.storage[j]
                    shift += e * e
                }
                states[r].centers = updated
                states[r].nIter = iteration
                // Unchanged labels mean the centres are already their means: no final assignment
                // needed, unless a relocation moved a centre in this very iteration.
                if changed == 0 && !relocated {
                    states[r].converged = true
                    states[r].finished = true
                } else if shift <= threshold {
                    states[r].finished = true
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

    /// One restart's centres and labels (`-1` before the first assignment) between iterations.
    private struct RestartState {
        var centers: Matrix
        let labels: UnsafeMutablePointer<Int32>
        var nIter = 0
        var converged = false
        var finished = false

        init(centers: Matrix, rows: Int) {
            self.centers = centers
            labels = .allocate(capacity: max(rows, 1))
            labels.initialize(repeating: -1, count: rows)
        }
    }

    /// One chunk's contribution to one restart's iteration.
    private struct ChunkSums {
        var sums: [Double]
        var counts: [Int]
        var changed = 0
        init(k: Int, d: Int) {
            sums = [Double](repeating: 0, count: k * d)
            counts = [Int](repeating: 0, count: k)
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
