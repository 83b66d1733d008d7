/// A k-d tree over the rows of a matrix, for exact Euclidean radius and nearest-neighbour
/// searches (DBSCAN's neighbourhoods, the nearest core point or subcluster centroid).
///
/// Every distance is `Kernels.differencedSquaredDistance`, and so are the bounds that prune
/// the search: a box's smallest and largest squared distance to the query are the same sum
/// over features of squared per-feature gaps. Rounding is monotone, so a point's computed
/// distance always lies between its box's computed bounds, and pruning a box (or taking it
/// whole) never changes a decision a point-by-point scan would make: the searches give
/// exactly what a brute-force scan with the same formula gives.
///
///     let tree = KDTree(x)
///     let n = tree.count(within: eps * eps, of: query, limit: minSamples)
///     let (row, d2) = tree.nearest(to: query)
public struct KDTree: Sendable {
    /// Points (rows of the matrix) in the tree.
    public let count: Int
    public let dims: Int
    /// Tree position → row of the matrix.
    let rowAt: [Int32]
    /// Coordinates in tree order, feature-major (`columns[f * count + p]`), so a leaf's points
    /// are SIMD lanes.
    let columns: [Double]
    /// Per node: first and past-the-end tree positions, first child (children are
    /// consecutive; -1 for a leaf), split feature.
    let start: [Int32], end: [Int32], firstChild: [Int32], splitFeature: [Int32]
    /// Per node: the tight bounding box, `dims` lows then `dims` highs.
    let box: [Double]

    /// Builds the tree: each node splits its points at the median of its widest feature
    /// (ties in value broken by row index, so the tree is a function of the data alone);
    /// nodes of at most `leafSize` points, or of identical points, are leaves.
    public init(_ points: Matrix, leafSize: Int = 32) {
        precondition(leafSize >= 1)
        let n = points.rows, d = points.cols
        count = n
        dims = d
        var order = [Int32](0 ..< Int32(n))
        var start: [Int32] = [0], end: [Int32] = [Int32(n)], firstChild: [Int32] = [-1], splitFeature: [Int32] = [0]
        var box = [Double]()
        points.storage.withUnsafeBufferPointer { xs in
            let x = xs.baseAddress
            var node = 0
            // Nodes are appended in pairs and visited in index order: breadth-first.
            while node < start.count {
                let s = Int(start[node]), e = Int(end[node])
                var lo = [Double](repeating: .infinity, count: d), hi = [Double](repeating: -.infinity, count: d)
                for p in s ..< e {
                    let r = x! + Int(order[p]) * d
                    for f in 0 ..< d {
                        lo[f] = min(lo[f], r[f])
                        hi[f] = max(hi[f], r[f])
                    }
                }
                box += lo
                box += hi
                var widest = 0, spread = 0.0
                for f in 0 ..< d where hi[f] - lo[f] > spread {
                    widest = f
                    spread = hi[f] - lo[f]
                }
                if e - s > leafSize && spread > 0 {
                    let mid = (s + e) / 2
                    order.withUnsafeMutableBufferPointer { o in
                        Self.select(o, s, e, nth: mid) { a, b in
                            let va = x![Int(a) * d + widest], vb = x![Int(b) * d + widest]
                            return va < vb || (va == vb && a < b)
                        }
                    }
                    firstChild[node] = Int32(start.count)
                    splitFeature[node] = Int32(widest)
                    start += [Int32(s), Int32(mid)]
                    end += [Int32(mid), Int32(e)]
                    firstChild += [-1, -1]
                    splitFeature += [0, 0]
                }
                node += 1
            }
        }
        var columns = [Double](repeating: 0, count: n * d)
        for p in 0 ..< n {
            for f in 0 ..< d { columns[f * n + p] = points.storage[Int(order[p]) * d + f] }
        }
        self.rowAt = order
        self.columns = columns
        self.start = start; self.end = end; self.firstChild = firstChild; self.splitFeature = splitFeature
        self.box = box
    }

    /// Reorders `a[s ..< e]` so that `a[nth]` is the element a full sort by `less` would put
    /// there, with no greater element before it and no smaller one after it (quickselect,
    /// median-of-three pivot; `less` is a strict total order, so the result is unique).
    private static func select(_ a: UnsafeMutableBufferPointer<Int32>, _ s: Int, _ e: Int, nth: Int,
                               by less: (Int32, Int32) -> Bool) {
        var lo = s, hi = e - 1
        while hi > lo {
            let m = lo + (hi - lo) / 2
            if less(a[m], a[lo]) { a.swapAt(m, lo) }
            if less(a[hi], a[lo]) { a.swapAt(hi, lo) }
            if less(a[hi], a[m]) { a.swapAt(hi, m) }
            let pivot = a[m]
            var i = lo, j = hi
            while i <= j {
                while less(a[i], pivot) { i += 1 }
                while less(pivot, a[j]) { j -= 1 }
                if i <= j {
                    a.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if nth <= j { hi = j } else if nth >= i { lo = i } else { return }
        }
    }

    /// The row of the matrix at each tree position, and the number of points of `node`.
    @inline(__always) private func size(_ node: Int) -> Int { Int(end[node] - start[node]) }

    /// The smallest and largest squared distance from `q` to any point of `node`'s box.
    @inline(__always)
    private func bounds(_ node: Int, _ q: UnsafePointer<Double>, _ b: UnsafePointer<Double>) -> (min: Double, max: Double) {
        bounds(node, lo: q, hi: q, b)
    }

    /// The smallest and largest squared distance between any point of the box `lo`…`hi` and any
    /// point of `node`'s box (a point is the box `q`…`q`).
    @inline(__always)
    private func bounds(_ node: Int, lo: UnsafePointer<Double>, hi: UnsafePointer<Double>,
                        _ b: UnsafePointer<Double>) -> (min: Double, max: Double) {
        let olo = b + node * 2 * dims, ohi = olo + dims
        var near = 0.0, far = 0.0
        for f in 0 ..< dims {
            let below = olo[f] - hi[f], above = lo[f] - ohi[f]
            let gap = below > 0 ? below : (above > 0 ? above : 0)
            near += gap * gap
            let a = ohi[f] - lo[f], c = hi[f] - olo[f]
            let reach = a > c ? a : c
            far += reach * reach
        }
        return (near, far)
    }

    /// Squared distances from `q` to the points at tree positions `p ..< p + 4`.
    @inline(__always)
    private func four(_ p: Int, _ q: UnsafePointer<Double>, _ c: UnsafePointer<Double>) -> SIMD4<Double> {
        var acc = SIMD4<Double>.zero
        for f in 0 ..< dims {
            let v = UnsafeRawPointer(c + f * count + p).loadUnaligned(as: SIMD4<Double>.self) - SIMD4(repeating: q[f])
            acc += v * v
        }
        return acc
    }

    @inline(__always)
    private func one(_ p: Int, _ q: UnsafePointer<Double>, _ c: UnsafePointer<Double>) -> Double {
        var s = 0.0
        for f in 0 ..< dims {
            let e = c[f * count + p] - q[f]
            s += e * e
        }
        return s
    }

    /// Visits the nodes that may hold points within `r2` of `q`: `whole` for a node entirely
    /// within, `leaf` for a leaf that is partly; the nearer child first. Stops when a visitor
    /// returns false.
    @inline(__always)
    private func search(_ q: UnsafePointer<Double>, _ r2: Double, _ b: UnsafePointer<Double>,
                        whole: (Int) -> Bool, leaf: (Int) -> Bool) {
        guard count > 0 else { return }
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: 2 * start.count.bitWidth + 2) { stack in
            var top = 1
            stack[0] = 0
            while top > 0 {
                top -= 1
                let node = Int(stack[top])
                let (near, far) = bounds(node, q, b)
                if near > r2 { continue }
                if far <= r2 {
                    if !whole(node) { return }
                    continue
                }
                let child = Int(firstChild[node])
                if child < 0 {
                    if !leaf(node) { return }
                    continue
                }
                push(children: child, of: node, q, b, stack.baseAddress!, &top)
            }
        }
    }

    /// Pushes a node's two children (`child`, `child + 1`), the one on the query's side of the
    /// split last, so that it is visited first.
    @inline(__always)
    private func push(children child: Int, of node: Int, _ q: UnsafePointer<Double>, _ b: UnsafePointer<Double>,
                      _ stack: UnsafeMutablePointer<Int32>, _ top: inout Int) {
        let f = Int(splitFeature[node])
        let split = b[(child + 1) * 2 * dims + f]
        let nearer = q[f] < split ? child : child + 1
        stack[top] = Int32(nearer == child ? child + 1 : child)
        stack[top + 1] = Int32(nearer)
        top += 2
    }

    /// The number of points with squared distance ≤ `r2` from `q`, counting stopped at `limit`.
    public func count(within r2: Double, of q: UnsafePointer<Double>, limit: Int = .max) -> Int {
        var total = 0
        box.withUnsafeBufferPointer { bb in
            columns.withUnsafeBufferPointer { cb in
                let c = cb.baseAddress!
                search(q, r2, bb.baseAddress!, whole: { node in
                    total += size(node)
                    return total < limit
                }, leaf: { node in
                    var p = Int(start[node])
                    let e = Int(end[node])
                    let r = SIMD4(repeating: r2)
                    while p + 4 <= e {
                        let inside = four(p, q, c) .<= r
                        for l in 0 ..< 4 where inside[l] { total += 1 }
                        p += 4
                    }
                    while p < e {
                        if one(p, q, c) <= r2 { total += 1 }
                        p += 1
                    }
                    return total < limit
                })
            }
        }
        return min(total, limit)
    }

    /// Calls `whole` for every node entirely within `r2` of `q` (the largest such nodes; their
    /// points are not visited one by one) and `row` for every other point within `r2`.
    public func visit(within r2: Double, of q: UnsafePointer<Double>, whole: (Int) -> Void, row: (Int) -> Void) {
        box.withUnsafeBufferPointer { bb in
            columns.withUnsafeBufferPointer { cb in
                let c = cb.baseAddress!
                search(q, r2, bb.baseAddress!, whole: { node in
                    whole(node)
                    return true
                }, leaf: { node in
                    var p = Int(start[node])
                    let e = Int(end[node])
                    let r = SIMD4(repeating: r2)
                    while p + 4 <= e {
                        let inside = four(p, q, c) .<= r
                        for l in 0 ..< 4 where inside[l] { row(Int(rowAt[p + l])) }
                        p += 4
                    }
                    while p < e {
                        if one(p, q, c) <= r2 { row(Int(rowAt[p])) }
                        p += 1
                    }
                    return true
                })
            }
        }
    }

    /// Calls `body(leaf, whole)` for every leaf whose box comes within `r2` of `node`'s box
    /// (the smallest squared distance between the boxes ≤ `r2`, so no pair of points within
    /// `r2` is missed); `whole` says every point of the leaf is within `r2` of every point of
    /// `node` (the largest squared distance between the boxes ≤ `r2`).
    public func leaves(near node: Int, within r2: Double, _ body: (Int, Bool) -> Void) {
        box.withUnsafeBufferPointer { bb in
          withUnsafeTemporaryAllocation(of: Int32.self, capacity: 2 * start.count.bitWidth + 2) { stack in
            let b = bb.baseAddress!
            let lo = b + node * 2 * dims, hi = lo + dims
            var top = 1
            stack[0] = 0
            while top > 0 {
                top -= 1
                let other = Int(stack[top])
                let (near, far) = bounds(other, lo: lo, hi: hi, b)
                if near > r2 { continue }
                if firstChild[other] < 0 {
                    body(other, far <= r2)
                } else {
                    stack[top] = firstChild[other]
                    stack[top + 1] = firstChild[other] + 1
                    top += 2
                }
            }
          }
        }
    }

    /// Nodes, numbered from the root (0) breadth-first.
    public var nodeCount: Int { start.count }

    /// The two children of `node`, or nil for a leaf.
    public func children(of node: Int) -> (Int, Int)? {
        firstChild[node] < 0 ? nil : (Int(firstChild[node]), Int(firstChild[node]) + 1)
    }

    /// The rows of the points of `node`.
    public func rows(of node: Int) -> ArraySlice<Int32> { rowAt[Int(start[node]) ..< Int(end[node])] }

    /// Σ (high − low)² of `node`'s box: no two of its points are farther apart (squared, by
    /// `Kernels.differencedSquaredDistance`: each feature's difference is at most the box's
    /// width, and rounding is monotone).
    public func squaredDiameter(_ node: Int) -> Double {
        var s = 0.0
        for f in 0 ..< dims {
            let w = box[node * 2 * dims + dims + f] - box[node * 2 * dims + f]
            s += w * w
        }
        return s
    }

    /// The nearest point to `q` (the lowest row among equally near ones) and its squared
    /// distance; (-1, +∞) for an empty tree.
    public func nearest(to q: UnsafePointer<Double>) -> (row: Int, squaredDistance: Double) {
        var best = Double.infinity, bestRow = Int.max
        box.withUnsafeBufferPointer { bb in
            columns.withUnsafeBufferPointer { cb in
                let b = bb.baseAddress!, c = cb.baseAddress!
                guard count > 0 else { return }
                withUnsafeTemporaryAllocation(of: Int32.self, capacity: 2 * start.count.bitWidth + 2) { stack in
                    var top = 1
                    stack[0] = 0
                    while top > 0 {
                        top -= 1
                        let node = Int(stack[top])
                        // A box exactly as far as the best may still hold a lower row.
                        if bounds(node, q, b).min > best { continue }
                        let child = Int(firstChild[node])
                        if child < 0 {
                            for p in Int(start[node]) ..< Int(end[node]) {
                                let d2 = one(p, q, c), row = Int(rowAt[p])
                                if d2 < best || (d2 == best && row < bestRow) {
                                    best = d2
                                    bestRow = row
                                }
                            }
                            continue
                        }
                        push(children: child, of: node, q, b, stack.baseAddress!, &top)
                    }
                }
            }
        }
        return count > 0 ? (bestRow, best) : (-1, .infinity)
    }

    /// `nearest(to:)` for every row of `x`, in parallel over fixed chunks.
    public func nearest(_ x: Matrix) -> (rows: [Int], squaredDistances: [Double]) {
        precondition(x.cols == dims)
        var rows = [Int](repeating: 0, count: x.rows), d2 = [Double](repeating: 0, count: x.rows)
        x.storage.withUnsafeBufferPointer { xs in
            rows.withUnsafeMutableBufferPointer { rb in
                d2.withUnsafeMutableBufferPointer { db in
                    Parallel.forEachChunk(count: x.rows, chunkSize: 1024) { chunk in
                        for i in chunk {
                            (rb[i], db[i]) = nearest(to: xs.baseAddress! + i * dims)
                        }
                    }
                }
            }
        }
        return (rows, d2)
    }
}
