/// Centres laid out for SIMD across centres: groups of 8, feature-major inside a group, so
/// one broadcast feature of a row meets 8 centres per multiply. Padding lanes have norm +∞
/// and can never be nearest.
///
///     let packed = PackedCenters(centers)
///     let (labels, d2) = packed.nearest(x, xNorms: Kernels.rowSquaredNorms(x))
public struct PackedCenters: Sendable {
    public let count: Int
    public let dims: Int
    let groups: Int
    /// groups × dims vectors: lane l of `coords[g*dims + f]` is feature f of centre 8g+l.
    let coords: [SIMD8<Double>]
    /// ‖c‖² per lane, +∞ for padding.
    let norms: [SIMD8<Double>]

    public init(_ centers: Matrix) {
        count = centers.rows
        dims = centers.cols
        groups = (count + 7) / 8
        var coords = [SIMD8<Double>](repeating: .zero, count: groups * dims)
        var norms = [SIMD8<Double>](repeating: SIMD8(repeating: .infinity), count: groups)
        let cn = Kernels.rowSquaredNorms(centers)
        for c in 0 ..< count {
            let g = c / 8, l = c % 8
            for f in 0 ..< dims { coords[g * dims + f][l] = centers[c, f] }
            norms[g][l] = cn[c]
        }
        self.coords = coords
        self.norms = norms
    }

    /// Squared distances from one row to the 8 centres of group `g`.
    @inline(__always)
    func groupDistances(_ row: UnsafePointer<Double>, norm: Double, group g: Int,
                        _ cp: UnsafePointer<SIMD8<Double>>, _ np: UnsafePointer<SIMD8<Double>>) -> SIMD8<Double> {
        let base = cp + g * dims
        var acc = SIMD8<Double>.zero
        for f in 0 ..< dims { acc += base[f] * row[f] }
        let d = (SIMD8(repeating: norm) - 2 * acc) + np[g]
        return d.replacing(with: 0, where: d .< 0)
    }

    /// The smallest lane, as a fixed tree of scalar comparisons: `SIMD8.min()` is a generic,
    /// un-inlined reduction here that cost a quarter of a K-Means fit.
    @inlinable @inline(__always)
    public static func smallestLane(_ d: SIMD8<Double>) -> Double {
        @inline(__always) func lesser(_ a: Double, _ b: Double) -> Double { b < a ? b : a }
        return lesser(lesser(lesser(d[0], d[1]), lesser(d[2], d[3])), lesser(lesser(d[4], d[5]), lesser(d[6], d[7])))
    }

    /// Nearest centre (lowest index on ties) and its squared distance for rows `rows` of
    /// `x`, written to `labels[i]` and `minSqDist[i]`.
    public func assign(_ x: UnsafePointer<Double>, xNorms: UnsafePointer<Double>, rows: Range<Int>,
                       labels: UnsafeMutablePointer<Int>, minSqDist: UnsafeMutablePointer<Double>) {
        coords.withUnsafeBufferPointer { cb in
            norms.withUnsafeBufferPointer { nb in
                let cp = cb.baseAddress!, np = nb.baseAddress!
                for i in rows {
                    let row = x + i * dims
                    var best = Double.infinity, bestIndex = 0
                    for g in 0 ..< groups {
                        let d = groupDistances(row, norm: xNorms[i], group: g, cp, np)
                        let m = Self.smallestLane(d)
                        if m < best {
                            best = m
                            var l = 0
                            while d[l] != m { l += 1 }
                            bestIndex = g * 8 + l
                        }
                    }
                    labels[i] = bestIndex
                    minSqDist[i] = best
                }
            }
        }
    }

    /// Squared distances from row `row` (norm `norm`) to every centre, into `out[0 ..< count]`.
    public func distances(toRow row: UnsafePointer<Double>, norm: Double, into out: UnsafeMutablePointer<Double>) {
        coords.withUnsafeBufferPointer { cb in
            norms.withUnsafeBufferPointer { nb in
                for g in 0 ..< groups {
                    let d = groupDistances(row, norm: norm, group: g, cb.baseAddress!, nb.baseAddress!)
                    for l in 0 ..< min(8, count - g * 8) { out[g * 8 + l] = d[l] }
                }
            }
        }
    }

    /// Nearest centre and squared distance of every row of `x`, in parallel over fixed chunks.
    public func nearest(_ x: Matrix, xNorms: [Double]) -> (labels: [Int], minSqDist: [Double]) {
        precondition(x.cols == dims && xNorms.count == x.rows)
        var labels = [Int](repeating: 0, count: x.rows)
        var dist = [Double](repeating: 0, count: x.rows)
        x.storage.withUnsafeBufferPointer { xs in
            xNorms.withUnsafeBufferPointer { ns in
                labels.withUnsafeMutableBufferPointer { lb in
                    dist.withUnsafeMutableBufferPointer { db in
                        Parallel.forEachChunk(count: x.rows, chunkSize: Kernels.rowChunk) { rows in
                            assign(xs.baseAddress!, xNorms: ns.baseAddress!, rows: rows,
                                   labels: lb.baseAddress!, minSqDist: db.baseAddress!)
                        }
                    }
                }
            }
        }
        return (labels, dist)
    }
}

extension Kernels {
    /// Nearest centre (lowest index on ties) and squared distance of every row of `x`.
    public static func nearestCenters(_ x: Matrix, centers: Matrix, xNorms: [Double]? = nil) -> (labels: [Int], minSqDist: [Double]) {
        PackedCenters(centers).nearest(x, xNorms: xNorms ?? rowSquaredNorms(x))
    }
}
