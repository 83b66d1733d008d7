import SeglabNumerics

/// Single linkage as scikit-learn computes it: a minimum spanning tree by Prim's algorithm
/// (`mst_linkage_core`: grow from row 0; each step updates every outside row's distance to
/// the tree with the row just added and adds the nearest outside row, the lowest-numbered
/// among equals), its edges stably sorted by length; cutting at k clusters drops the k − 1
/// longest. O(n²) time, O(n·d) memory.
///
/// The outside rows are kept feature-major and compacted in order as the tree grows, 8 rows
/// per SIMD step, in parallel over fixed chunks of 4096 rows from 8192 rows; the minimum and its lowest
/// row are exact, so the tree is the same with any number of threads.
enum SingleLinkage {
    static func tree(_ x: Matrix, context: FitContext) throws -> Dendrogram {
        let n = x.rows, d = x.cols
        guard n > 1 else { return Dendrogram(leaves: n, merges: []) }
        // Outside rows: coordinates feature-major, distance to the tree (−1 once inside), row number.
        let capacity = (n + 7) & ~7
        var coords = [Double](repeating: 0, count: d * capacity)
        for i in 0 ..< n { for f in 0 ..< d { coords[f * capacity + i] = x[i, f] } }
        var reach = [Double](repeating: .infinity, count: n) + [Double](repeating: -1, count: capacity - n)
        var rows = (0 ..< Int32(n)).map { $0 } + [Int32](repeating: -1, count: capacity - n)
        var slots = n, outside = n
        var merges = [(Int32, Int32, Double)]()
        merges.reserveCapacity(n - 1)
        var current = 0
        let chunkGroups = 512
        for step in 0 ..< n - 1 {
            if step % 2048 == 0 { try context.checkpoint(stage: "mst", iteration: step, of: n - 1) }
            reach[current] = -1
            outside -= 1
            let centre = (0 ..< d).map { coords[$0 * capacity + current] }
            let groups = (slots + 7) / 8
            let best: (Double, Int) = coords.withUnsafeBufferPointer { cb in
                reach.withUnsafeMutableBufferPointer { rb in
                    let c = cb.baseAddress!, r = rb.baseAddress!
                    let scan = { (range: Range<Int>) -> (Double, Int) in
                        Self.relax(groups: range, c, r, centre, capacity: capacity)
                    }
                    if outside < 2 * 8 * chunkGroups { return scan(0 ..< groups) }
                    var best = (Double.infinity, -1)
                    for partial in Parallel.mapChunks(count: groups, chunkSize: chunkGroups, scan) where partial.0 < best.0 {
                        best = partial
                    }
                    return best
                }
            }
            merges.append((rows[current], rows[best.1], best.0))
            current = best.1
            if slots >= 64 && outside * 2 <= slots {
                var next = 0
                for p in 0 ..< slots where reach[p] >= 0 {
                    if p == current { current = next }
                    for f in 0 ..< d { coords[f * capacity + next] = coords[f * capacity + p] }
                    reach[next] = reach[p]
                    rows[next] = rows[p]
                    next += 1
                }
                for p in next ..< slots { reach[p] = -1 }
                slots = next
            }
        }
        return Dendrogram(leaves: n, merges: merges)
    }

    /// For the slots of the 8-slot groups `groups`: lowers each outside row's distance to the
    /// tree to its distance to `centre` when that is smaller, and returns the smallest
    /// distance and its lowest slot. Inside rows (distance −1) are skipped.
    @inline(__always)
    private static func relax(groups: Range<Int>, _ c: UnsafePointer<Double>, _ r: UnsafeMutablePointer<Double>,
                              _ centre: [Double], capacity: Int) -> (Double, Int) {
        var best = Double.infinity, bestSlot = -1
        centre.withUnsafeBufferPointer { cp in
            for g in groups {
                let p = 8 * g
                let acc = Kernels.differencedSquaredDistances(c, capacity: capacity, slots: p, to: cp)
                // √ lane by lane (sklearn compares distances, not their squares).
                let dist = SIMD8(acc[0].squareRoot(), acc[1].squareRoot(), acc[2].squareRoot(), acc[3].squareRoot(),
                                 acc[4].squareRoot(), acc[5].squareRoot(), acc[6].squareRoot(), acc[7].squareRoot())
                let old = UnsafeRawPointer(r + p).loadUnaligned(as: SIMD8<Double>.self)
                var updated = old.replacing(with: dist, where: dist .< old)
                let inside = old .< 0
                updated.replace(with: -1, where: inside)
                UnsafeMutableRawPointer(r + p).storeBytes(of: updated, as: SIMD8<Double>.self)
                let candidates = updated.replacing(with: .infinity, where: inside)
                PackedCenters.keepSmallestLane(candidates, at: p, best: &best, slot: &bestSlot)
            }
        }
        return (best, bestSlot)
    }
}
