import SeglabNumerics

/// Ward's hierarchical clustering by the nearest-neighbour chain on cluster centroids:
/// O(n²) time, O(n·d) memory, the merges SciPy's `linkage(method="ward")` makes (what
/// scikit-learn's `AgglomerativeClustering(linkage="ward")` calls).
///
/// SciPy holds the n(n−1)/2 distances and updates them with the Lance–Williams formula;
/// here the Ward distance between clusters A and B is computed from their sizes and
/// centroids, √(2·|A|·|B| / (|A| + |B|)) · ‖c_A − c_B‖, which is what that recursion
/// produces from Euclidean distances between rows (equal up to rounding). The chain follows
/// SciPy's `nn_chain` exactly: it starts at the lowest-numbered cluster, each step takes the
/// nearest cluster (the lowest-numbered among equals, the previous link of the chain when it
/// is as near), two mutual nearest neighbours merge, the merged cluster taking the higher
/// number. Ties are broken as SciPy breaks them; the squared Ward distance is what is
/// compared (the same order as the distance, without a square root per pair).
///
/// The search for a cluster's nearest neighbour is the whole cost: centroids are stored
/// feature-major over live slots (dead ones compacted away in order), 8 slots per SIMD step,
/// in parallel over fixed chunks of 4096 slots from 8192 live clusters; the minimum and its
/// lowest slot are exact, so the result is the same with any number of threads.
enum WardLinkage {
    static func tree(_ x: Matrix, context: FitContext, stage: String = "ward") throws -> Dendrogram {
        var chain = Chain(x)
        let n = x.rows
        var merges = [(Int32, Int32, Double)]()
        merges.reserveCapacity(max(n - 1, 0))
        var stack = [Int]()
        for step in 0 ..< max(n - 1, 0) {
            if step % 2048 == 0 { try context.checkpoint(stage: stage, iteration: step, of: n - 1) }
            if stack.isEmpty { stack.append(chain.firstLive()) }
            var a = 0, b = 0, energy = 0.0
            while true {
                a = stack[stack.count - 1]
                let previous = stack.count > 1 ? stack[stack.count - 2] : -1
                energy = previous >= 0 ? chain.energy(a, previous) : .infinity
                b = previous
                let (nearest, slot) = chain.nearest(to: a)
                if nearest < energy {
                    energy = nearest
                    b = slot
                }
                if b == previous { break }
                stack.append(b)
            }
            stack.removeLast(2)
            merges.append(chain.merge(a, b, energy: energy))
            if let remap = chain.compactIfSparse() { stack = stack.map { remap[$0] } }
        }
        return Dendrogram(leaves: n, merges: merges)
    }

    /// The live clusters: centroids feature-major over slots, sizes (0 for a dead slot), and
    /// the row number each slot stands for; slots stay in increasing row order.
    struct Chain {
        let dims: Int
        /// Slots in use (live or dead), and their capacity (a multiple of 8).
        var slots: Int
        var capacity: Int
        var live: Int
        var coords: [Double]
        var sizes: [Double]
        var rows: [Int32]

        init(_ x: Matrix) {
            dims = x.cols
            slots = x.rows
            live = x.rows
            capacity = (x.rows + 7) & ~7
            coords = [Double](repeating: 0, count: dims * capacity)
            for i in 0 ..< x.rows { for f in 0 ..< dims { coords[f * capacity + i] = x[i, f] } }
            sizes = [Double](repeating: 0, count: capacity)
            for i in 0 ..< x.rows { sizes[i] = 1 }
            rows = (0 ..< Int32(x.rows)).map { $0 }
        }

        func firstLive() -> Int { sizes.firstIndex { $0 > 0 }! }

        /// 2·|A|·|B| / (|A| + |B|) · ‖c_A − c_B‖², the squared Ward distance, computed as the
        /// SIMD search computes it (so a pair gets the same bits either way, in either order).
        func energy(_ a: Int, _ b: Int) -> Double {
            var s = 0.0
            for f in 0 ..< dims {
                let e = coords[f * capacity + b] - coords[f * capacity + a]
                s += e * e
            }
            return (2 * sizes[a]) * sizes[b] / (sizes[a] + sizes[b]) * s
        }

        /// The nearest live cluster to slot `a` other than itself: its squared Ward distance
        /// and the lowest slot reaching it.
        mutating func nearest(to a: Int) -> (Double, Int) {
            let sa = sizes[a]
            sizes[a] = 0
            defer { sizes[a] = sa }
            let groups = (slots + 7) / 8, capacity = self.capacity, live = self.live
            let chunkGroups = 512
            return coords.withUnsafeBufferPointer { cb in
                sizes.withUnsafeBufferPointer { sb in
                    let c = cb.baseAddress!, s = sb.baseAddress!
                    let centre = (0 ..< dims).map { c[$0 * capacity + a] }
                    let scan = { (range: Range<Int>) -> (Double, Int) in
                        Self.scan(groups: range, c, s, centre, size: sa, capacity: capacity)
                    }
                    if live < 2 * 8 * chunkGroups { return scan(0 ..< groups) }
                    var best = (Double.infinity, -1)
                    for partial in Parallel.mapChunks(count: groups, chunkSize: chunkGroups, scan) where partial.0 < best.0 {
                        best = partial
                    }
                    return best
                }
            }
        }

        /// The smallest squared Ward distance from the centroid `centre` (size `size`) to the
        /// slots of the 8-slot groups `groups`, and its lowest slot; dead slots count as +∞.
        @inline(__always)
        private static func scan(groups: Range<Int>, _ c: UnsafePointer<Double>, _ s: UnsafePointer<Double>,
                                 _ centre: [Double], size: Double, capacity: Int) -> (Double, Int) {
            var best = Double.infinity, bestSlot = -1
            let twice = SIMD8(repeating: 2 * size), own = SIMD8(repeating: size)
            centre.withUnsafeBufferPointer { cp in
                for g in groups {
                    let p = 8 * g
                    let acc = Kernels.differencedSquaredDistances(c, capacity: capacity, slots: p, to: cp)
                    let other = UnsafeRawPointer(s + p).loadUnaligned(as: SIMD8<Double>.self)
                    var e = twice * other / (own + other) * acc
                    e.replace(with: .infinity, where: other .== 0)
                    PackedCenters.keepSmallestLane(e, at: p, best: &best, slot: &bestSlot)
                }
            }
            return (best, bestSlot)
        }

        /// Merges slots `a` and `b` into the one of the higher row number; returns the merge
        /// (lower row, higher row, height).
        mutating func merge(_ a: Int, _ b: Int, energy: Double) -> (Int32, Int32, Double) {
            let (drop, keep) = rows[a] < rows[b] ? (a, b) : (b, a)
            let sd = sizes[drop], sk = sizes[keep], total = sd + sk
            for f in 0 ..< dims {
                let base = f * capacity
                coords[base + keep] = (sd * coords[base + drop] + sk * coords[base + keep]) / total
            }
            sizes[keep] = total
            sizes[drop] = 0
            live -= 1
            return (rows[drop], rows[keep], energy.squareRoot())
        }

        /// Drops dead slots, keeping the order, once at least half the slots are dead; returns
        /// the old-slot → new-slot map when it did.
        mutating func compactIfSparse() -> [Int]? {
            guard slots >= 64, live * 2 <= slots else { return nil }
            var remap = [Int](repeating: -1, count: slots)
            var next = 0
            for p in 0 ..< slots where sizes[p] > 0 {
                remap[p] = next
                for f in 0 ..< dims { coords[f * capacity + next] = coords[f * capacity + p] }
                sizes[next] = sizes[p]
                rows[next] = rows[p]
                next += 1
            }
            for p in next ..< slots { sizes[p] = 0 }
            slots = next
            return remap
        }
    }
}
