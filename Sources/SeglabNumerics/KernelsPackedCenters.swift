import CSeglabKernels

/// Centres laid out for SIMD across rows: every coordinate and norm repeated in the four
/// lanes of a `SIMD4`, so that four rows (one per lane) meet one centre per multiply, each
/// row's running minimum and its index stay in their lanes (no horizontal reduction, no
/// branch on the data), and no lane is spent on padding whatever the number of centres.
///
/// Each lane evaluates the expanded distance of `Kernels` with the operations a scalar loop
/// would (products summed in feature order), so a row's label and distance never depend on
/// which rows share its block; ties go to the lowest centre index.
///
///     let packed = PackedCenters(centers)
///     let (labels, d2) = packed.nearest(x, xNorms: Kernels.rowSquaredNorms(x))
public struct PackedCenters: Sendable {
    public let count: Int
    public let dims: Int
    /// count × dims: coordinate f of centre c, in every lane.
    @usableFromInline let coords: [SIMD4<Double>]
    /// ‖c‖², in every lane.
    @usableFromInline let norms: [SIMD4<Double>]
    /// The centres (count × dims, row-major) and their squared norms, for the C kernel.
    let centers: [Double]
    let centerNorms: [Double]

    public init(_ centers: Matrix) {
        precondition(centers.cols >= 1, "centres need at least one feature")
        count = centers.rows
        dims = centers.cols
        self.centers = Array(centers.storage)
        centerNorms = Kernels.rowSquaredNorms(centers)
        coords = centers.storage.map { SIMD4(repeating: $0) }
        norms = centerNorms.map { SIMD4(repeating: $0) }
    }

    // MARK: - Public passes

    /// The smallest lane, as a fixed tree of scalar comparisons: `SIMD8.min()` is a generic,
    /// un-inlined reduction that cost a quarter of a K-Means fit.
    @inlinable @inline(__always)
    public static func smallestLane(_ d: SIMD8<Double>) -> Double {
        @inline(__always) func lesser(_ a: Double, _ b: Double) -> Double { b < a ? b : a }
        return lesser(lesser(lesser(d[0], d[1]), lesser(d[2], d[3])), lesser(lesser(d[4], d[5]), lesser(d[6], d[7])))
    }

    /// One step of the linkages' nearest-pair scans: when the smallest of `lanes` (slots
    /// p ..< p + 8) is below `best`, it becomes `best` and its first slot becomes `slot`.
    @inlinable @inline(__always)
    public static func keepSmallestLane(_ lanes: SIMD8<Double>, at p: Int, best: inout Double, slot: inout Int) {
        let m = smallestLane(lanes)
        guard m < best else { return }
        best = m
        var l = 0
        while lanes[l] != m { l += 1 }
        slot = p + l
    }

    /// Nearest centre (lowest index on ties) and squared distance of every row of `x`, in
    /// parallel over fixed chunks.
    public func nearest(_ x: Matrix, xNorms: [Double]) -> (labels: [Int], minSqDist: [Double]) {
        precondition(x.cols == dims && xNorms.count == x.rows)
        var labels = [Int](repeating: 0, count: x.rows)
        var dist = [Double](repeating: 0, count: x.rows)
        x.storage.withUnsafeBufferPointer { xs in
            xNorms.withUnsafeBufferPointer { ns in
                labels.withUnsafeMutableBufferPointer { lb in
                    dist.withUnsafeMutableBufferPointer { db in
                        let lp = lb.baseAddress!, dp = db.baseAddress!
                        Parallel.forEachChunk(count: x.rows, chunkSize: Kernels.rowChunk) { rows in
                            assign(xs.baseAddress!, xNorms: ns.baseAddress!, rows: rows, labels: lp, minSqDist: dp)
                        }
                    }
                }
            }
        }
        return (labels, dist)
    }

    /// Nearest centre (lowest index on ties) and its squared distance for rows `rows` of
    /// `x`, written to `labels[i]` and `minSqDist[i]`, on the calling thread.
    public func assign(_ x: UnsafePointer<Double>, xNorms: UnsafePointer<Double>, rows: Range<Int>,
                       labels: UnsafeMutablePointer<Int>, minSqDist: UnsafeMutablePointer<Double>) {
        forEachBlock(x, xNorms: xNorms, rows: rows) { first, valid, index, distance in
            for q in 0 ..< valid { labels[first + q] = Int(index[q]); minSqDist[first + q] = distance[q] }
        }
    }

    /// For the rows listed in `rows` (any order, `count` of them): the nearest centre (lowest
    /// index on ties) into `labels[j]`, its squared distance into `best[j]`, and the smallest
    /// squared distance to any other centre into `second[j]` (+∞ with one centre) — what an
    /// exact bound-based Lloyd step needs for the rows whose bounds could not decide.
    ///
    /// The C kernel `seglab_nearest_two`, which uses the widest instruction set of the CPU
    /// (AVX-512, AVX2 or the baseline) with this type's formula and order of operations, so
    /// every level gives the bits of `nearest` (`CKernelsTests`).
    public func nearestTwo(_ x: UnsafePointer<Double>, rows: UnsafePointer<Int>, count m: Int,
                           labels: UnsafeMutablePointer<Int32>, best: UnsafeMutablePointer<Double>,
                           second: UnsafeMutablePointer<Double>) {
        centers.withUnsafeBufferPointer { c in
            centerNorms.withUnsafeBufferPointer { cn in
                seglab_nearest_two(x, rows, m, dims, c.baseAddress!, cn.baseAddress!, count, labels, best, second)
            }
        }
    }

    /// Squared distances from rows `rows` of `x` to every centre: row i's distance to centre
    /// c goes to `out[c × stride + (i − rows.lowerBound)]` (one contiguous run per centre).
    /// The C kernel `seglab_distances`, like `nearestTwo`.
    public func distances(_ x: UnsafePointer<Double>, rows: Range<Int>, into out: UnsafeMutablePointer<Double>, stride: Int) {
        distances(x, listed: nil, first: rows.lowerBound, count: rows.count, into: out, stride: stride)
    }

    /// Squared distances from the `count` rows listed in `rows` to every centre: the distance
    /// of row `rows[j]` to centre c goes to `out[c × stride + j]`.
    public func distances(_ x: UnsafePointer<Double>, rows: UnsafePointer<Int>, count m: Int,
                          into out: UnsafeMutablePointer<Double>, stride: Int) {
        distances(x, listed: rows, first: 0, count: m, into: out, stride: stride)
    }

    private func distances(_ x: UnsafePointer<Double>, listed: UnsafePointer<Int>?,
                           first: Int, count m: Int, into out: UnsafeMutablePointer<Double>, stride: Int) {
        centers.withUnsafeBufferPointer { c in
            centerNorms.withUnsafeBufferPointer { cn in
                seglab_distances(x, listed, first, m, dims, c.baseAddress!, cn.baseAddress!, count, out, stride)
            }
        }
    }

    // MARK: - The block kernel

    /// Scratch for one block of four rows, feature-major.
    @inline(__always)
    func withBlockScratch<R>(_ body: (UnsafeMutablePointer<SIMD4<Double>>) -> R) -> R {
        withUnsafeTemporaryAllocation(of: SIMD4<Double>.self, capacity: dims) { body($0.baseAddress!) }
    }

    /// Rows `first ..< first + 4` of `x` (rows past `last` repeat row `last`), feature-major
    /// into `xt`; returns their squared norms.
    @inline(__always)
    func gather(_ x: UnsafePointer<Double>, xNorms: UnsafePointer<Double>, first: Int, last: Int,
                into xt: UnsafeMutablePointer<SIMD4<Double>>) -> SIMD4<Double> {
        let d = dims
        let i1 = min(first + 1, last), i2 = min(first + 2, last), i3 = min(first + 3, last)
        let r0 = x + first * d, r1 = x + i1 * d, r2 = x + i2 * d, r3 = x + i3 * d
        for f in 0 ..< d { xt[f] = SIMD4(r0[f], r1[f], r2[f], r3[f]) }
        return SIMD4(xNorms[first], xNorms[i1], xNorms[i2], xNorms[i3])
    }

    /// Squared distances of the block's four rows to centre `c`, clamped at 0.
    @inline(__always)
    func distances(_ xt: UnsafePointer<SIMD4<Double>>, _ n4: SIMD4<Double>, center c: Int,
                   _ cp: UnsafePointer<SIMD4<Double>>, _ np: UnsafePointer<SIMD4<Double>>) -> SIMD4<Double> {
        let base = cp + c * dims
        var acc = xt[0] * base[0]
        for f in 1 ..< dims { acc += xt[f] * base[f] }
        return Self.finish(acc, n4, np[c])
    }

    /// Squared distances of the block's four rows to centres c ..< c + 4. The four centres'
    /// products are accumulated side by side: one centre's sum is a chain of dependent
    /// additions that left the multipliers idle most of the time, four independent chains
    /// keep them busy. Each chain is still the scalar sum in feature order, so the bits are
    /// those of one centre at a time (`distances(_:_:center:_:_:)`).
    @inline(__always)
    func fourDistances(_ xt: UnsafePointer<SIMD4<Double>>, _ n4: SIMD4<Double>, from c: Int,
                       _ cp: UnsafePointer<SIMD4<Double>>, _ np: UnsafePointer<SIMD4<Double>>)
        -> (SIMD4<Double>, SIMD4<Double>, SIMD4<Double>, SIMD4<Double>) {
        let d = dims
        let b0 = cp + c * d, b1 = b0 + d, b2 = b1 + d, b3 = b2 + d
        let v0 = xt[0]
        var a0 = v0 * b0[0], a1 = v0 * b1[0], a2 = v0 * b2[0], a3 = v0 * b3[0]
        for f in 1 ..< d {
            let v = xt[f]
            a0 += v * b0[f]
            a1 += v * b1[f]
            a2 += v * b2[f]
            a3 += v * b3[f]
        }
        return (Self.finish(a0, n4, np[c]), Self.finish(a1, n4, np[c + 1]),
                Self.finish(a2, n4, np[c + 2]), Self.finish(a3, n4, np[c + 3]))
    }

    /// Lane by lane: centre c at `dc` becomes the nearest if strictly closer (lower index
    /// first on ties).
    @inline(__always)
    static func keepNearest(_ dc: SIMD4<Double>, _ c: Int, _ best: inout SIMD4<Double>, _ index: inout SIMD4<Int64>) {
        let closer = dc .< best
        best.replace(with: dc, where: closer)
        index.replace(with: SIMD4(repeating: Int64(c)), where: closer)
    }

    /// (‖x‖² − 2·dot) + ‖c‖², clamped at 0: rounding can push it below.
    @inline(__always)
    static func finish(_ dot: SIMD4<Double>, _ n4: SIMD4<Double>, _ cn: SIMD4<Double>) -> SIMD4<Double> {
        let d = (n4 - 2 * dot) + cn
        return d.replacing(with: 0, where: d .< 0)
    }

    /// Calls `body(first, valid, index, distance)` for each block of four rows of `rows`:
    /// the nearest centre of row `first + q` (q < valid) is `index[q]`, at `distance[q]`.
    @inline(__always)
    func forEachBlock(_ x: UnsafePointer<Double>, xNorms: UnsafePointer<Double>, rows: Range<Int>,
                      _ body: (Int, Int, SIMD4<Int64>, SIMD4<Double>) -> Void) {
        let k = count
        withBlockScratch { xt in
            coords.withUnsafeBufferPointer { cb in
                norms.withUnsafeBufferPointer { nb in
                    let cp = cb.baseAddress!, np = nb.baseAddress!
                    var b = rows.lowerBound
                    while b < rows.upperBound {
                        let n4 = gather(x, xNorms: xNorms, first: b, last: rows.upperBound - 1, into: xt)
                        var best = SIMD4<Double>(repeating: .infinity), index = SIMD4<Int64>.zero
                        var c = 0
                        while c + 4 <= k {
                            let (d0, d1, d2, d3) = fourDistances(xt, n4, from: c, cp, np)
                            Self.keepNearest(d0, c, &best, &index)
                            Self.keepNearest(d1, c + 1, &best, &index)
                            Self.keepNearest(d2, c + 2, &best, &index)
                            Self.keepNearest(d3, c + 3, &best, &index)
                            c += 4
                        }
                        while c < k {
                            Self.keepNearest(distances(xt, n4, center: c, cp, np), c, &best, &index)
                            c += 1
                        }
                        body(b, min(4, rows.upperBound - b), index, best)
                        b += 4
                    }
                }
            }
        }
    }
}

extension Kernels {
    /// Nearest centre (lowest index on ties) and squared distance of every row of `x`.
    public static func nearestCenters(_ x: Matrix, centers: Matrix, xNorms: [Double]? = nil) -> (labels: [Int], minSqDist: [Double]) {
        PackedCenters(centers).nearest(x, xNorms: xNorms ?? rowSquaredNorms(x))
    }
}
