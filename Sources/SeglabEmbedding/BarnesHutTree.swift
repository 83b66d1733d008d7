/// The quadtree of a 2-D embedding for Barnes–Hut repulsion, as scikit-learn's `_QuadTree`:
/// the root box spans the points (its upper corner pushed out by 1e-3 so every point lies
/// strictly inside), each internal cell splits at its centre into up to four children
/// (ordered x-low/y-low, x-low/y-high, x-high/y-low, x-high/y-high, the "x ≥ centre" side
/// being high), and points within 1e-6 of a leaf's point on both axes share that leaf as
/// duplicates. A cell stores its centre of mass, point count and squared largest side.
///
/// Built by recursive partition of the point indices rather than by insertion (the same
/// cells), and stored depth first with each cell's `skip`, the index just past its
/// subtree: a traversal walks the array forwards with no stack, always in the same order.
struct BarnesHutTree {
    struct Cell {
        var x: Double
        var y: Double
        var count: Double
        var squaredWidth: Double
        /// The first cell after this one's subtree; `index + 1` exactly when it is a leaf.
        var skip: Int32
    }

    static let duplicateTolerance = 1e-6

    private(set) var cells: [Cell] = []

    init(capacity: Int) {
        cells.reserveCapacity(2 * capacity)
    }

    /// Rebuilds the tree over `n` points stored as x0, y0, x1, y1, … in `position`.
    mutating func build(_ position: UnsafePointer<Double>, count n: Int) {
        cells.removeAll(keepingCapacity: true)
        guard n > 0 else { return }
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        for i in 0 ..< n {
            minX = min(minX, position[2 * i]); maxX = max(maxX, position[2 * i])
            minY = min(minY, position[2 * i + 1]); maxY = max(maxY, position[2 * i + 1])
        }
        maxX = Self.pushedOut(maxX); maxY = Self.pushedOut(maxY)
        var order = (0 ..< Int32(n)).map { $0 }
        var scratch = [Int32](repeating: 0, count: n)
        order.withUnsafeMutableBufferPointer { ob in
            scratch.withUnsafeMutableBufferPointer { sb in
                var builder = Builder(position: position, order: ob.baseAddress!, scratch: sb.baseAddress!, cells: [])
                swap(&builder.cells, &cells)
                builder.add(points: 0 ..< n, minX: minX, maxX: maxX, minY: minY, maxY: maxY)
                swap(&builder.cells, &cells)
            }
        }
    }

    /// scikit-learn's `M = max(M · (1 + 1e-3 · sign(M)), M + 1e-3)`.
    static func pushedOut(_ m: Double) -> Double {
        let sign: Double = m > 0 ? 1 : m < 0 ? -1 : 0
        return max(m * (1 + 1e-3 * sign), m + 1e-3)
    }

    private struct Builder {
        let position: UnsafePointer<Double>
        let order: UnsafeMutablePointer<Int32>
        let scratch: UnsafeMutablePointer<Int32>
        var cells: [Cell]

        /// Appends the cell over `order[points]` in the box, then its subtree; returns its
        /// centre of mass and count.
        @discardableResult
        mutating func add(points: Range<Int>, minX: Double, maxX: Double, minY: Double, maxY: Double) -> (x: Double, y: Double, count: Double) {
            let c = cells.count
            let wx = maxX - minX, wy = maxY - minY
            cells.append(Cell(x: 0, y: 0, count: 0, squaredWidth: max(wx * wx, wy * wy), skip: Int32(c + 1)))
            let first = Int(order[points.lowerBound])
            let fx = position[2 * first], fy = position[2 * first + 1]
            var duplicates = true
            for e in points {
                let p = Int(order[e])
                if abs(position[2 * p] - fx) > BarnesHutTree.duplicateTolerance || abs(position[2 * p + 1] - fy) > BarnesHutTree.duplicateTolerance {
                    duplicates = false
                    break
                }
            }
            if duplicates {
                cells[c].x = fx; cells[c].y = fy; cells[c].count = Double(points.count)
                return (fx, fy, Double(points.count))
            }
            // Stable four-way partition of the indices by quadrant (2 · high x + high y).
            let cx = (minX + maxX) / 2, cy = (minY + maxY) / 2
            var counts: (Int, Int, Int, Int) = (0, 0, 0, 0)
            for e in points {
                let p = Int(order[e])
                switch (position[2 * p] >= cx ? 2 : 0) + (position[2 * p + 1] >= cy ? 1 : 0) {
                case 0: counts.0 += 1
                case 1: counts.1 += 1
                case 2: counts.2 += 1
                default: counts.3 += 1
                }
            }
            let s0 = points.lowerBound, s1 = s0 + counts.0, s2 = s1 + counts.1, s3 = s2 + counts.2
            var next = (s0, s1, s2, s3)
            for e in points {
                let p = order[e]
                switch (position[2 * Int(p)] >= cx ? 2 : 0) + (position[2 * Int(p) + 1] >= cy ? 1 : 0) {
                case 0: scratch[next.0] = p; next.0 += 1
                case 1: scratch[next.1] = p; next.1 += 1
                case 2: scratch[next.2] = p; next.2 += 1
                default: scratch[next.3] = p; next.3 += 1
                }
            }
            for e in points { order[e] = scratch[e] }

            var sx = 0.0, sy = 0.0, total = 0.0
            func child(_ range: Range<Int>, _ lowX: Double, _ highX: Double, _ lowY: Double, _ highY: Double) {
                guard !range.isEmpty else { return }
                let m = add(points: range, minX: lowX, maxX: highX, minY: lowY, maxY: highY)
                sx += m.x * m.count; sy += m.y * m.count; total += m.count
            }
            child(s0 ..< s1, minX, cx, minY, cy)
            child(s1 ..< s2, minX, cx, cy, maxY)
            child(s2 ..< s3, cx, maxX, minY, cy)
            child(s3 ..< points.upperBound, cx, maxX, cy, maxY)
            cells[c].x = sx / total; cells[c].y = sy / total; cells[c].count = total
            cells[c].skip = Int32(cells.count)
            return (sx / total, sy / total, total)
        }
    }

    /// The repulsive term of point (px, py): Σ over summarised cells of count · q² · (p − cell)
    /// into `force`, and Σ count · q into the return value (its share of Z), with
    /// q = 1 / (1 + ‖p − cell‖²). A cell summarises when it is a leaf or its squared width is
    /// below θ² times its squared distance; leaves within 1e-6 of the point (itself and its
    /// duplicates) are skipped. Cells are visited depth first, children in quadrant order.
    func repulsion(x px: Double, y py: Double, squaredTheta: Double, force: inout (x: Double, y: Double)) -> Double {
        let sums = cells.withUnsafeBufferPointer { cb -> (z: Double, x: Double, y: Double) in
            let cell = cb.baseAddress!
            let end = cb.count
            var z = 0.0, fx = 0.0, fy = 0.0
            var i = 0
            while i < end {
                let c = cell[i]
                let dx = px - c.x, dy = py - c.y
                let d2 = dx * dx + dy * dy
                if Int(c.skip) == i + 1 {
                    // A leaf: summarised unless it holds the point itself (or its duplicates).
                    if abs(dx) <= Self.duplicateTolerance && abs(dy) <= Self.duplicateTolerance { i += 1; continue }
                } else if !(c.squaredWidth < squaredTheta * d2) {
                    i += 1
                    continue
                }
                let q = 1 / (1 + d2)
                let cq = c.count * q
                z += cq
                let m = cq * q
                fx += m * dx
                fy += m * dy
                i = Int(c.skip)
            }
            return (z, fx, fy)
        }
        force = (sums.x, sums.y)
        return sums.z
    }
}
