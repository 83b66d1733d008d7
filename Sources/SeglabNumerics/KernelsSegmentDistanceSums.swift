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
                withUnsafeTemporaryAllocation(of: Double.self, capacity: 4 * b) { tile in
                    for other in block ..< blocks {
                        pair(block, other, tile: tile.baseAddress!, out: out,
                             columnSums: other == block ? nil : parts + partOffset[block * blocks + other])
                    }
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
    private func pair(_ rowBlock: Int, _ colBlock: Int, tile: UnsafeMutablePointer<Double>,
                      out: UnsafeMutablePointer<Double>, columnSums: UnsafeMutablePointer<Double>?) {
        let b = Kernels.blockRows
        let colFirst = colBlock * b, colCount = min(b, n - colFirst)
        let colLanes = (colCount + 3) & ~3
        let colRuns = runs[colBlock].filter { $0.segment >= 0 }
        xt.withUnsafeBufferPointer { xtb in
            norms.withUnsafeBufferPointer { nb in
                withUnsafeTemporaryAllocation(of: SIMD4<Double>.self, capacity: 4 * d) { splatBuffer in
                    let xp = xtb.baseAddress!, np = nb.baseAddress!, splats = splatBuffer.baseAddress!
                    for (r, rowRun) in runs[rowBlock].enumerated() {
                        // Rows outside every segment add to no column's sums.
                        let colSum = rowRun.segment < 0 ? nil : columnSums.map { $0 + r * b }
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
                            fourRows(splats, norms: n4, xt: xp, columnNorms: np, columns: colFirst, lanes: colLanes, into: tile)
                            for q in 0 ..< valid {
                                let t = tile + q * b, row = out + (i + q) * segCount
                                for run in colRuns { row[run.segment] += Self.sum(t, run.rows.lowerBound - colFirst ..< run.rows.upperBound - colFirst) }
                                if let colSum { for j in 0 ..< colCount { colSum[j] += t[j] } }
                            }
                            i += 4
                        }
                    }
                }
            }
        }
    }

    /// Σ t[range] with two lanes, combined at the end: a fixed order.
    @inline(__always)
    private static func sum(_ t: UnsafePointer<Double>, _ range: Range<Int>) -> Double {
        var a = 0.0, c = 0.0
        var j = range.lowerBound
        while j + 2 <= range.upperBound { a += t[j]; c += t[j + 1]; j += 2 }
        if j < range.upperBound { a += t[j] }
        return a + c
    }

    /// Distances from four rows (their features splatted: row q's feature f at
    /// `splats[q * d + f]`) to the `lanes` columns starting at `columns`, row q's into
    /// `tile[q * blockRows ..]`.
    @inline(__always)
    private func fourRows(_ splats: UnsafePointer<SIMD4<Double>>, norms: (Double, Double, Double, Double),
                          xt: UnsafePointer<Double>, columnNorms: UnsafePointer<Double>,
                          columns first: Int, lanes: Int, into tile: UnsafeMutablePointer<Double>) {
        let b = Kernels.blockRows, p = padded
        let n0 = SIMD4(repeating: norms.0), n1 = SIMD4(repeating: norms.1)
        let n2 = SIMD4(repeating: norms.2), n3 = SIMD4(repeating: norms.3)
        let s0 = splats, s1 = splats + d, s2 = splats + 2 * d, s3 = splats + 3 * d
        for j in stride(from: first, to: first + lanes, by: 4) {
            var p0 = SIMD4<Double>.zero, p1 = SIMD4<Double>.zero, p2 = SIMD4<Double>.zero, p3 = SIMD4<Double>.zero
            for f in 0 ..< d {
                let v = UnsafeRawPointer(xt + f * p + j).loadUnaligned(as: SIMD4<Double>.self)
                p0 += v * s0[f]; p1 += v * s1[f]; p2 += v * s2[f]; p3 += v * s3[f]
            }
            let nj = UnsafeRawPointer(columnNorms + j).loadUnaligned(as: SIMD4<Double>.self)
            let o = j - first
            store(Self.clampedRoot((n0 - 2 * p0) + nj), tile + o)
            store(Self.clampedRoot((n1 - 2 * p1) + nj), tile + b + o)
            store(Self.clampedRoot((n2 - 2 * p2) + nj), tile + 2 * b + o)
            store(Self.clampedRoot((n3 - 2 * p3) + nj), tile + 3 * b + o)
        }
    }

    @inline(__always)
    private func store(_ v: SIMD4<Double>, _ p: UnsafeMutablePointer<Double>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Double>.self)
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
