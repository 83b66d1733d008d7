extension Kernels {
    /// For rows ordered so that each group is one contiguous segment of `x`, the sum of
    /// Euclidean distances from every row to all rows of every segment: entry `i * S + s`
    /// (S = `segments.count`). A row's distance to itself is exactly 0 (see `Kernels`).
    ///
    /// The silhouette's core. Blocked for cache (tiles of columns stay in L2 while 4 rows at
    /// a time stream over them, SIMD across columns) and parallel over fixed row chunks. Each
    /// row's sums are accumulated in an order fixed by the segments alone, so the result does
    /// not depend on chunking or thread count.
    public static func segmentDistanceSums(_ x: Matrix, segments: [Range<Int>]) -> [Double] {
        let n = x.rows, d = x.cols, segCount = segments.count
        var out = [Double](repeating: 0, count: n * segCount)
        guard n > 0, segCount > 0 else { return out }
        let norms = rowSquaredNorms(x)
        // Feature-major copy: feature f of rows j ..< j+4 is one SIMD4 load.
        var xt = [Double](repeating: 0, count: d * n)
        for i in 0 ..< n { for f in 0 ..< d { xt[f * n + i] = x.storage[i * d + f] } }
        let tile = max(64, (16_384 / max(d, 1)) & ~3)

        x.storage.withUnsafeBufferPointer { xs in
            xt.withUnsafeBufferPointer { xtb in
                norms.withUnsafeBufferPointer { nb in
                    out.withUnsafeMutableBufferPointer { ob in
                        let xp = xs.baseAddress!, xtp = xtb.baseAddress!, np = nb.baseAddress!, op = ob.baseAddress!
                        Parallel.forEachChunk(count: n, chunkSize: 64) { rows in
                            let m = rows.count
                            var lanes = [SIMD4<Double>](repeating: .zero, count: m * segCount)
                            var tails = [Double](repeating: 0, count: m * segCount)
                            for (s, seg) in segments.enumerated() where !seg.isEmpty {
                                let vecEnd = seg.lowerBound + (seg.count / 4) * 4
                                for t0 in stride(from: seg.lowerBound, to: vecEnd, by: tile) {
                                    let t1 = min(t0 + tile, vecEnd)
                                    for b in stride(from: 0, to: m, by: 4) {
                                        // Rows past the chunk's end repeat its last row; their sums are dropped.
                                        let r0 = rows.lowerBound + b, last = rows.upperBound - 1
                                        let sums = fourRowTile(xp, d: d, rows: (r0, min(r0 + 1, last), min(r0 + 2, last), min(r0 + 3, last)),
                                                               xt: xtp, n: n, norms: np, columns: t0 ..< t1)
                                        let base = b * segCount + s
                                        lanes[base] += sums.0
                                        if b + 1 < m { lanes[base + segCount] += sums.1 }
                                        if b + 2 < m { lanes[base + 2 * segCount] += sums.2 }
                                        if b + 3 < m { lanes[base + 3 * segCount] += sums.3 }
                                    }
                                }
                                for j in vecEnd ..< seg.upperBound {
                                    for q in 0 ..< m {
                                        let i = rows.lowerBound + q
                                        let p = Kernels.dot(xp + j * d, xp + i * d, count: d)
                                        tails[q * segCount + s] += root(squaredDistance(normA: np[i], normB: np[j], dot: p))
                                    }
                                }
                            }
                            for q in 0 ..< m {
                                for s in 0 ..< segCount {
                                    let v = lanes[q * segCount + s]
                                    op[(rows.lowerBound + q) * segCount + s] = ((v[0] + v[1]) + (v[2] + v[3])) + tails[q * segCount + s]
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Distance sums of 4 rows to the columns `columns` (a multiple of 4 long), lane by lane.
    @inline(__always)
    private static func fourRowTile(_ xp: UnsafePointer<Double>, d: Int, rows: (Int, Int, Int, Int),
                                    xt: UnsafePointer<Double>, n: Int, norms: UnsafePointer<Double>,
                                    columns: Range<Int>) -> (SIMD4<Double>, SIMD4<Double>, SIMD4<Double>, SIMD4<Double>) {
        let r0 = xp + rows.0 * d, r1 = xp + rows.1 * d, r2 = xp + rows.2 * d, r3 = xp + rows.3 * d
        let n0 = SIMD4(repeating: norms[rows.0]), n1 = SIMD4(repeating: norms[rows.1])
        let n2 = SIMD4(repeating: norms[rows.2]), n3 = SIMD4(repeating: norms[rows.3])
        var s0 = SIMD4<Double>.zero, s1 = SIMD4<Double>.zero, s2 = SIMD4<Double>.zero, s3 = SIMD4<Double>.zero
        for j in stride(from: columns.lowerBound, to: columns.upperBound, by: 4) {
            var p0 = SIMD4<Double>.zero, p1 = SIMD4<Double>.zero, p2 = SIMD4<Double>.zero, p3 = SIMD4<Double>.zero
            for f in 0 ..< d {
                let v = UnsafeRawPointer(xt + f * n + j).loadUnaligned(as: SIMD4<Double>.self)
                p0 += v * r0[f]; p1 += v * r1[f]; p2 += v * r2[f]; p3 += v * r3[f]
            }
            let nj = UnsafeRawPointer(norms + j).loadUnaligned(as: SIMD4<Double>.self)
            s0 += clampedRoot((n0 - 2 * p0) + nj)
            s1 += clampedRoot((n1 - 2 * p1) + nj)
            s2 += clampedRoot((n2 - 2 * p2) + nj)
            s3 += clampedRoot((n3 - 2 * p3) + nj)
        }
        return (s0, s1, s2, s3)
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
