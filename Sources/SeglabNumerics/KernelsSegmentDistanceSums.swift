extension Kernels {
    /// For rows ordered so that each group is one contiguous segment of `x`, the sum of
    /// Euclidean distances from every row to all rows of every segment: entry `i * S + s`
    /// (S = `segments.count`). A row's distance to itself is exactly 0 (see `Kernels`).
    ///
    /// The silhouette's core. Each distance is computed once and counted for both of its rows
    /// (the matrix is symmetric): the rows are cut into blocks of `blockRows`, and the pair of
    /// blocks (I, J) with I < J gives block I its sums over J's columns and block J its sums
    /// over I's rows (a block with itself: its own sums). Pairs run in parallel; every partial sum lands in its own slot and a
    /// row's total is assembled in a fixed order (its own block's pass over later blocks, then
    /// earlier blocks' contributions in block order), so the result does not depend on thread
    /// count or scheduling.
    public static func segmentDistanceSums(_ x: Matrix, segments: [Range<Int>]) -> [Double] {
        let n = x.rows, segCount = segments.count
        var out = [Double](repeating: 0, count: n * segCount)
        guard n > 0, segCount > 0 else { return out }
        let plan = SymmetricDistancePlan(x, segments: segments)
        out.withUnsafeMutableBufferPointer { o in plan.run(into: o.baseAddress!) }
        return out
    }

    /// Rows per block of the symmetric pass: a block's features (feature-major) stay in L1/L2
    /// while another block streams past.
    static let blockRows = 256
}

/// The blocked symmetric pass of `segmentDistanceSums`.
private struct SymmetricDistancePlan {
    let n: Int, d: Int, segCount: Int, blocks: Int
    /// Feature-major copy, padded with zero rows to whole blocks: feature f of rows j ..< j+4 is
    /// one SIMD4 load at `xt[f * padded + j]`.
    let xt: [Double]
    let padded: Int
    let norms: [Double]
    /// Each row's segment, or -1.
    let segmentOf: [Int]
    /// Per block: its rows cut where the segment changes, as (segment or -1, range).
    let runs: [[(segment: Int, rows: Range<Int>)]]
    /// Per ordered pair I < J: where block J's sums over block I's runs start in `columnParts`.
    let partOffset: [Int]

    init(_ x: Matrix, segments: [Range<Int>]) {
        n = x.rows; d = x.cols; segCount = segments.count
        let b = Kernels.blockRows
        blocks = (n + b - 1) / b
        padded = blocks * b
        var xt = [Double](repeating: 0, count: d * padded)
        for i in 0 ..< n { for f in 0 ..< d { xt[f * padded + i] = x.storage[i * d + f] } }
        self.xt = xt
        norms = Kernels.rowSquaredNorms(x) + [Double](repeating: 0, count: padded - n)
        var segmentOf = [Int](repeating: -1, count: padded)
        for (s, seg) in segments.enumerated() { for i in seg where i < n { segmentOf[i] = s } }
        self.segmentOf = segmentOf
        var runs = [[(segment: Int, rows: Range<Int>)]]()
        for block in 0 ..< blocks {
            var list = [(segment: Int, rows: Range<Int>)]()
            var start = block * b
            let end = min(start + b, n)
            while start < end {
                var stop = start + 1
                while stop < end, segmentOf[stop] == segmentOf[start] { stop += 1 }
                list.append((segmentOf[start], start ..< stop))
                start = stop
            }
            runs.append(list)
        }
        self.runs = runs
        var offset = [Int](repeating: 0, count: blocks * blocks)
        var total = 0
        for j in 0 ..< blocks { for i in 0 ..< j { offset[i * blocks + j] = total; total += runs[i].count * b } }
        partOffset = offset + [total]
    }

    func run(into out: UnsafeMutablePointer<Double>) {
        let b = Kernels.blockRows
        var columnParts = [Double](repeating: 0, count: partOffset.last!)
        columnParts.withUnsafeMutableBufferPointer { cp in
            let parts = cp.baseAddress!
            // Block I: its rows' sums over blocks I, I+1, … (into `out`), and block J's sums over
            // I's rows for every J > I (into J's slot for I).
            Parallel.forEachChunk(count: blocks, chunkSize: 1) { range in
                let block = range.lowerBound
                for other in block ..< blocks {
                    pair(block, other, out: out, columnSums: other == block ? nil : parts + partOffset[block * blocks + other])
                }
            }
            // Then each row adds what earlier blocks found for it, in block order.
            Parallel.forEachChunk(count: blocks, chunkSize: 1) { range in
                let block = range.lowerBound
                let first = block * b, count = min(b, n - first)
                for earlier in 0 ..< block {
                    let slot = parts + partOffset[earlier * blocks + block]
                    for (r, run) in runs[earlier].enumerated() where run.segment >= 0 {
                        let sums = slot + r * b
                        for q in 0 ..< count { out[(first + q) * segCount + run.segment] += sums[q] }
                    }
                }
            }
        }
    }

    /// Distances between the rows of block `rowBlock` and the columns of block `colBlock`:
    /// each row's sum over every segment run of the columns is added to `out`; with
    /// `columnSums`, each column's sum over every run of the rows goes there (run-major).
    private func pair(_ rowBlock: Int, _ colBlock: Int, out: UnsafeMutablePointer<Double>,
                      columnSums: UnsafeMutablePointer<Double>?) {
        let b = Kernels.blockRows
        let colFirst = colBlock * b
        let colRuns = runs[colBlock]
        xt.withUnsafeBufferPointer { xtb in
            norms.withUnsafeBufferPointer { nb in
                withUnsafeTemporaryAllocation(of: SIMD4<Double>.self, capacity: 4 * d) { splatBuffer in
                    let xp = xtb.baseAddress!, np = nb.baseAddress!, splats = splatBuffer.baseAddress!
                    for (r, rowRun) in runs[rowBlock].enumerated() {
                        // Rows outside every segment add to no column's sums.
                        let colSum = rowRun.segment < 0 ? nil : columnSums.map { $0 + r * b - colFirst }
                        var i = rowRun.rows.lowerBound
                        while i < rowRun.rows.upperBound {
                            let valid = min(4, rowRun.rows.upperBound - i)
                            let last = rowRun.rows.upperBound - 1
                            let rows = (i, min(i + 1, last), min(i + 2, last), min(i + 3, last))
                            for f in 0 ..< d {
                                let feature = xp + f * padded
                                splats[f] = SIMD4(repeating: feature[rows.0])
                                splats[d + f] = SIMD4(repeating: feature[rows.1])
                                splats[2 * d + f] = SIMD4(repeating: feature[rows.2])
                                splats[3 * d + f] = SIMD4(repeating: feature[rows.3])
                            }
                            let n4 = (np[rows.0], np[rows.1], np[rows.2], np[rows.3])
                            // Rows past the run's end repeat its last row: weight 0 in the column sums.
                            let weights = SIMD4<Double>(1, valid > 1 ? 1 : 0, valid > 2 ? 1 : 0, valid > 3 ? 1 : 0)
                            for run in colRuns {
                                // Columns outside every segment count for no row, but rows still
                                // count for them.
                                if run.segment < 0 && colSum == nil { continue }
                                let sums = fourRows(splats, norms: n4, weights: weights, xt: xp, columnNorms: np,
                                                    columns: run.rows, columnSums: colSum)
                                if run.segment < 0 { continue }
                                let row = out + i * segCount + run.segment
                                row[0] += sums.0
                                if valid > 1 { row[segCount] += sums.1 }
                                if valid > 2 { row[2 * segCount] += sums.2 }
                                if valid > 3 { row[3 * segCount] += sums.3 }
                            }
                            i += 4
                        }
                    }
                }
            }
        }
    }

    /// For four rows (features splatted: row q's feature f at `splats[q * d + f]`) and the
    /// columns `columns` (one segment's): each row's sum of distances to the columns, returned,
    /// and, with `columnSums`, each column's distances to the four rows (times `weights`, in
    /// row order) added to `columnSums[j]`. Vectors of four columns overlapping the range's
    /// ends are masked to the range.
    @inline(__always)
    private func fourRows(_ splats: UnsafePointer<SIMD4<Double>>, norms: (Double, Double, Double, Double),
                          weights: SIMD4<Double>, xt: UnsafePointer<Double>, columnNorms: UnsafePointer<Double>,
                          columns: Range<Int>, columnSums: UnsafeMutablePointer<Double>?)
        -> (Double, Double, Double, Double) {
        let p = padded
        let n0 = SIMD4(repeating: norms.0), n1 = SIMD4(repeating: norms.1)
        let n2 = SIMD4(repeating: norms.2), n3 = SIMD4(repeating: norms.3)
        let w1 = SIMD4(repeating: weights[1]), w2 = SIMD4(repeating: weights[2]), w3 = SIMD4(repeating: weights[3])
        let full = weights == SIMD4(repeating: 1)
        let s0 = splats, s1 = splats + d, s2 = splats + 2 * d, s3 = splats + 3 * d
        var a0 = SIMD4<Double>.zero, a1 = SIMD4<Double>.zero, a2 = SIMD4<Double>.zero, a3 = SIMD4<Double>.zero
        let lanes = SIMD4<Int64>(0, 1, 2, 3)
        var j = columns.lowerBound & ~3
        while j < columns.upperBound {
            var p0 = SIMD4<Double>.zero, p1 = SIMD4<Double>.zero, p2 = SIMD4<Double>.zero, p3 = SIMD4<Double>.zero
            for f in 0 ..< d {
                let v = UnsafeRawPointer(xt + f * p + j).loadUnaligned(as: SIMD4<Double>.self)
                p0 += v * s0[f]; p1 += v * s1[f]; p2 += v * s2[f]; p3 += v * s3[f]
            }
            let nj = UnsafeRawPointer(columnNorms + j).loadUnaligned(as: SIMD4<Double>.self)
            var d0 = Self.clampedRoot((n0 - 2 * p0) + nj), d1 = Self.clampedRoot((n1 - 2 * p1) + nj)
            var d2 = Self.clampedRoot((n2 - 2 * p2) + nj), d3 = Self.clampedRoot((n3 - 2 * p3) + nj)
            if j < columns.lowerBound || j + 4 > columns.upperBound {
                let index = lanes &+ Int64(j)
                let outside = (index .< Int64(columns.lowerBound)) .| (index .>= Int64(columns.upperBound))
                d0.replace(with: 0, where: outside); d1.replace(with: 0, where: outside)
                d2.replace(with: 0, where: outside); d3.replace(with: 0, where: outside)
            }
            a0 += d0; a1 += d1; a2 += d2; a3 += d3
            if let columnSums {
                let c = UnsafeMutableRawPointer(columnSums + j)
                let sum = full ? ((d0 + d1) + d2) + d3 : ((d0 + d1 * w1) + d2 * w2) + d3 * w3
                c.storeBytes(of: c.loadUnaligned(as: SIMD4<Double>.self) + sum, as: SIMD4<Double>.self)
            }
            j += 4
        }
        @inline(__always) func total(_ v: SIMD4<Double>) -> Double { (v[0] + v[1]) + (v[2] + v[3]) }
        return (total(a0), total(a1), total(a2), total(a3))
    }

    /// √max(d², 0) lane by lane. Written per lane with the clamp first: the compiler then
    /// emits maxpd + sqrtpd, whereas `SIMD4.squareRoot()` becomes scalar libm calls.
    @inline(__always)
    private static func clampedRoot(_ d2: SIMD4<Double>) -> SIMD4<Double> {
        SIMD4(root(d2[0]), root(d2[1]), root(d2[2]), root(d2[3]))
    }

    @inline(__always)
    private static func root(_ v: Double) -> Double { (v < 0 ? 0 : v).squareRoot() }
}
