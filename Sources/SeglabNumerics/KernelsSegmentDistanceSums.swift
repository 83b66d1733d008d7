import CSeglabKernels

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
                withUnsafeTemporaryAllocation(of: Double.self, capacity: 4 * d) { rowBuffer in
                    let xp = xtb.baseAddress!, np = nb.baseAddress!, rows4 = rowBuffer.baseAddress!
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
                                rows4[f] = feature[rows.0]
                                rows4[d + f] = feature[rows.1]
                                rows4[2 * d + f] = feature[rows.2]
                                rows4[3 * d + f] = feature[rows.3]
                            }
                            let n4 = SIMD4(np[rows.0], np[rows.1], np[rows.2], np[rows.3])
                            // Rows past the run's end repeat its last row: weight 0 in the column sums.
                            let weights = SIMD4<Double>(1, valid > 1 ? 1 : 0, valid > 2 ? 1 : 0, valid > 3 ? 1 : 0)
                            for run in colRuns {
                                // Columns outside every segment count for no row, but rows still
                                // count for them.
                                if run.segment < 0 && colSum == nil { continue }
                                let sums = fourRows(rows4, norms: n4, weights: weights, xt: xp, columnNorms: np,
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

    /// For four rows (row q's feature f at `rows4[q * d + f]`) and the columns `columns` (one
    /// segment's): each row's sum of distances to the columns, returned, and, with
    /// `columnSums`, each column's distances to the four rows (times `weights`, in row order)
    /// added to `columnSums[j]`. Columns in lanes of four, so a row's sum is the same at every
    /// kernel level (the C kernel `seglab_four_rows`; AVX-512 computes eight columns at once
    /// and adds them to the four lanes in column order).
    @inline(__always)
    private func fourRows(_ rows4: UnsafePointer<Double>, norms: SIMD4<Double>, weights: SIMD4<Double>,
                          xt: UnsafePointer<Double>, columnNorms: UnsafePointer<Double>,
                          columns: Range<Int>, columnSums: UnsafeMutablePointer<Double>?)
        -> (Double, Double, Double, Double) {
        var norms = norms, weights = weights
        var totals = SIMD4<Double>.zero
        withUnsafePointer(to: &norms) { np in
            withUnsafePointer(to: &weights) { wp in
                withUnsafeMutablePointer(to: &totals) { tp in
                    seglab_four_rows(rows4, UnsafeRawPointer(np).assumingMemoryBound(to: Double.self),
                                     UnsafeRawPointer(wp).assumingMemoryBound(to: Double.self), xt, padded, d, columnNorms,
                                     columns.lowerBound, columns.upperBound, columnSums,
                                     UnsafeMutableRawPointer(tp).assumingMemoryBound(to: Double.self))
                }
            }
        }
        return (totals[0], totals[1], totals[2], totals[3])
    }
}
