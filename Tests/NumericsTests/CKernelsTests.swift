import XCTest
import SeglabNumerics

/// The C kernels (CSeglabKernels) at every instruction-set level this CPU has. The distance
/// kernels (`PackedCenters.nearestTwo`, `PackedCenters.distances`) give, to the bit, the
/// documented formula computed one scalar operation at a time: (‖x‖² − 2·x·c) + ‖c‖², the dot product summed in feature order,
/// clamped at 0; the nearest centre is the lowest index on ties. The data include exact ties
/// (integer points, centres equal to rows, duplicate centres), dimensions that are not a
/// multiple of any vector width, more features than the kernels keep on the stack, and row
/// counts that leave partial blocks.
final class CKernelsTests: XCTestCase {
    private var levelBefore = KernelLevel.current

    override func setUp() { levelBefore = KernelLevel.current }
    override func tearDown() { KernelLevel.use(levelBefore) }

    /// The formula, one scalar operation at a time.
    private static func squaredDistance(_ x: Matrix, _ i: Int, _ c: Matrix, _ j: Int, _ xn: Double, _ cn: Double) -> Double {
        var dot = x[i, 0] * c[j, 0]
        for f in 1 ..< x.cols { dot += x[i, f] * c[j, f] }
        let d = (xn - 2 * dot) + cn
        return d < 0 ? 0 : d
    }

    private static func cases() -> [(name: String, x: Matrix, centers: Matrix)] {
        var rng = Xoshiro256StarStar(seed: 41)
        var out: [(String, Matrix, Matrix)] = []
        for (n, d, k) in [(1, 1, 1), (7, 3, 2), (203, 8, 5), (1_003, 8, 10), (517, 13, 11), (64, 2, 4), (301, 8, 1), (37, 300, 5)] {
            let x = Matrix(rows: n, cols: d, storage: (0 ..< n * d).map { _ in rng.nextGaussian() * 3 })
            let c = Matrix(rows: k, cols: d, storage: (0 ..< k * d).map { _ in rng.nextGaussian() * 3 })
            out.append(("gaussian n\(n) d\(d) k\(k)", x, c))
        }
        // Integer points in {0, 1, 2}^d, centres drawn from the rows (one of them twice): exact ties.
        for (n, d, k) in [(999, 4, 6), (250, 8, 9)] {
            let x = Matrix(rows: n, cols: d, storage: (0 ..< n * d).map { _ in Double(rng.nextInt(below: 3)) })
            var picks = (0 ..< k - 1).map { _ in rng.nextInt(below: n) }
            picks.append(picks[0])
            out.append(("ties n\(n) d\(d) k\(k)", x, x.selectingRows(picks)))
        }
        return out
    }

    func testEveryLevelGivesTheFormulasBits() {
        let levels = KernelLevel.allCases.filter { $0 <= KernelLevel.supported }
        for (name, x, centers) in Self.cases() {
            let n = x.rows, k = centers.rows
            let xn = Kernels.rowSquaredNorms(x), cn = Kernels.rowSquaredNorms(centers)
            let expected = (0 ..< n).map { i in (0 ..< k).map { j in Self.squaredDistance(x, i, centers, j, xn[i], cn[j]) } }
            // Rows listed out of order, some twice, as the bounded step lists them.
            var rng = Xoshiro256StarStar(seed: UInt64(n))
            let listed = (0 ..< n).map { _ in rng.nextInt(below: n) }
            let packed = PackedCenters(centers)
            for level in levels {
                XCTAssertEqual(KernelLevel.use(level), level)
                var labels = [Int32](repeating: -1, count: n), best = [Double](repeating: .nan, count: n)
                var second = best
                x.storage.withUnsafeBufferPointer { xs in
                    packed.nearestTwo(xs.baseAddress!, rows: listed, count: n, labels: &labels, best: &best, second: &second)
                }
                for (j, i) in listed.enumerated() {
                    let row = expected[i]
                    let nearest = row.indices.min { row[$0] < row[$1] || (row[$0] == row[$1] && $0 < $1) }!
                    let others = row.sorted()
                    XCTAssertEqual(Int(labels[j]), nearest, "\(name) \(level.name) row \(i)")
                    XCTAssertEqual(best[j].bitPattern, row[nearest].bitPattern, "\(name) \(level.name) row \(i)")
                    XCTAssertEqual(second[j].bitPattern, (k > 1 ? others[1] : .infinity).bitPattern, "\(name) \(level.name) row \(i)")
                }
                // A range that starts inside the matrix and ends before it, into runs of a longer stride.
                let rows = min(1, n - 1) ..< n - (n > 2 ? 1 : 0), stride = rows.count + 3
                var out = [Double](repeating: .nan, count: k * stride)
                x.storage.withUnsafeBufferPointer { xs in
                    packed.distances(xs.baseAddress!, rows: rows, into: &out, stride: stride)
                }
                for i in rows {
                    for c in 0 ..< k {
                        XCTAssertEqual(out[c * stride + i - rows.lowerBound].bitPattern, expected[i][c].bitPattern,
                                       "\(name) \(level.name) distances row \(i) centre \(c)")
                    }
                }
                XCTAssertTrue(out[rows.count].isNaN, "\(name): nothing written past a run")
                // The listed rows (out of order, repeated), as k-means++ lists them.
                var listedOut = [Double](repeating: .nan, count: k * (n + 1))
                x.storage.withUnsafeBufferPointer { xs in
                    packed.distances(xs.baseAddress!, rows: listed, count: n, into: &listedOut, stride: n + 1)
                }
                for (j, i) in listed.enumerated() {
                    for c in 0 ..< k {
                        XCTAssertEqual(listedOut[c * (n + 1) + j].bitPattern, expected[i][c].bitPattern,
                                       "\(name) \(level.name) listed distances row \(i) centre \(c)")
                    }
                }
                XCTAssertTrue(listedOut[n].isNaN, "\(name): nothing written past a listed run")
            }
        }
    }

    /// The Swift kernel behind `nearest` agrees with the C kernels (one formula everywhere).
    func testNearestAgreesWithNearestTwo() {
        for (name, x, centers) in Self.cases() {
            let xn = Kernels.rowSquaredNorms(x)
            let packed = PackedCenters(centers)
            let (labels, minSqDist) = packed.nearest(x, xNorms: xn)
            var two = [Int32](repeating: -1, count: x.rows), best = [Double](repeating: .nan, count: x.rows), second = best
            x.storage.withUnsafeBufferPointer { xs in
                packed.nearestTwo(xs.baseAddress!, rows: Array(0 ..< x.rows), count: x.rows,
                                  labels: &two, best: &best, second: &second)
            }
            XCTAssertEqual(labels, two.map { Int($0) }, name)
            XCTAssertEqual(minSqDist.map(\.bitPattern), best.map(\.bitPattern), name)
        }
    }

    /// k-means++'s pass (`Kernels.plusPlusPass`) at every level, over a range that starts and
    /// ends inside blocks: with thresholds that decide nothing, the fold takes a distance when
    /// strictly smaller (owner with it) and each candidate's score is Σ min(closest, distance) in
    /// row order, to the formula's bits; with thresholds that decide every row, nothing is read
    /// and the scores are Σ closest. Five candidates make a partial group of four.
    func testPlusPlusPassAtEveryLevel() {
        for (name, x, centers) in Self.cases() where centers.rows >= 2 {
            let n = x.rows, k = centers.rows
            let xn = Kernels.rowSquaredNorms(x), cn = Kernels.rowSquaredNorms(centers)
            let candidates = centers.selectingRows(Array(1 ..< min(k, 6))), trials = candidates.rows
            let packed = PackedCenters(candidates), fold = PackedCenters(centers.selectingRows([0]))
            var rng = Xoshiro256StarStar(seed: UInt64(n + 7))
            // Closest distances around the rows' own, ties with the fold included.
            let start = (0 ..< n).map { i -> Double in
                let own = Self.squaredDistance(x, i, centers, 0, xn[i], cn[0])
                return [own, own * 2, own / 2, 0][rng.nextInt(below: 4)]
            }
            let rows = min(3, n - 1) ..< max(n - 2, min(3, n - 1) + 1)
            for level in KernelLevel.allCases where level <= KernelLevel.supported {
                KernelLevel.use(level)
                for decideNothing in [true, false] {
                    let threshold: Double = decideNothing ? -.infinity : .infinity
                    var closest = start, owner = [Int32](repeating: 1, count: n)
                    let scored = x.storage.withUnsafeBufferPointer { xs in
                        Kernels.plusPlusPass(xs.baseAddress!, rows: rows, closest: &closest, owner: &owner,
                                             fold: PlusPlusFold(candidates: fold, trial: 0, position: 7, thresholds: [threshold, threshold]),
                                             score: (packed, [threshold, threshold, threshold, threshold, threshold, threshold, threshold, threshold]))
                    }
                    var expectedClosest = start, expectedOwner = [Int32](repeating: 1, count: n)
                    var sums = [Double](repeating: 0, count: trials)
                    for i in rows {
                        if decideNothing {
                            let v = Self.squaredDistance(x, i, centers, 0, xn[i], cn[0])
                            if v < expectedClosest[i] { (expectedClosest[i], expectedOwner[i]) = (v, 7) }
                        }
                        for t in 0 ..< trials {
                            let v = decideNothing ? Self.squaredDistance(x, i, candidates, t, xn[i], cn[t + 1]) : .infinity
                            sums[t] += v < expectedClosest[i] ? v : expectedClosest[i]
                        }
                    }
                    let what = "\(name) \(level.name) \(decideNothing ? "computed" : "decided")"
                    XCTAssertEqual(closest.map(\.bitPattern), expectedClosest.map(\.bitPattern), what)
                    XCTAssertEqual(owner, expectedOwner, what)
                    XCTAssertEqual(scored.potentials.map(\.bitPattern), sums.map(\.bitPattern), what)
                    XCTAssertEqual(scored.listed, decideNothing ? rows.count : 0, what)
                    // The largest squared norm of the rows read: every row of the range, or none.
                    XCTAssertEqual(scored.largestNorm.bitPattern, (decideNothing ? rows.map { xn[$0] }.max()! : 0).bitPattern, what)
                }
            }
        }
    }

    /// The bounds test (`Kernels.undecidedRows`) at every level lists exactly the rows a scalar
    /// loop finds undecided, in order: equal values are not above, NaN thresholds decide nothing;
    /// with up to sixteen clusters (AVX-512 looks their thresholds up in registers) and beyond.
    func testBoundsTestAtEveryLevel() {
        var rng = Xoshiro256StarStar(seed: 43)
        let n = 1_037
        // Small integers make equal values common.
        func value() -> Float { Float(rng.nextInt(below: 9)) - 4 }
        for k in [7, 16, 23] {
            let bounds = (0 ..< n).map { _ in SIMD2(value(), value()) }
            let labels = (0 ..< n).map { _ in Int32(rng.nextInt(below: k)) }
            var thresholds = (0 ..< k).map { _ in SIMD2(value(), value()) }
            thresholds[3].y = .nan
            thresholds[5] = SIMD2(.nan, .nan)
            for rows in [0 ..< n, 3 ..< n - 2, 5 ..< 12, 9 ..< 9] {
                let expected = rows.filter { i in
                    let t = thresholds[Int(labels[i])]
                    return !(bounds[i].x > t.x || bounds[i].y > t.y)
                }
                for level in KernelLevel.allCases where level <= KernelLevel.supported {
                    KernelLevel.use(level)
                    var out = [Int](repeating: -1, count: rows.count)
                    let count = thresholds.withUnsafeBufferPointer { t in
                        Kernels.undecidedRows(bounds: bounds, labels: labels, thresholds: t, rows: rows, into: &out)
                    }
                    XCTAssertEqual(Array(out.prefix(count)), expected, "\(level.name) k=\(k) rows \(rows)")
                }
            }
        }
    }

    /// The new bounds at every level are the scalar formulas' to the bit (the Swift code they
    /// replaced): rows listed out of order, partial blocks, first assignments (old label −1),
    /// unchanged labels, one centre (second distance +∞, a NaN lower bound), distances below
    /// the error (clamped roots), values past Float's range; blocks of consecutive rows (stored
    /// in place at AVX-512) between others; the smallest row whose label changed.
    func testNewBoundsAtEveryLevel() {
        var rng = Xoshiro256StarStar(seed: 45)
        let n = 203, k = 5
        let grow = 1 + 0x1p-44, shrink = 1 - 0x1p-44
        func upFloat(_ v: Double) -> Float { max(Float(v + (abs(v) * 0x1p-22 + 0x1p-126)), -.greatestFiniteMagnitude) }
        func downFloat(_ v: Double) -> Float { min(Float(v - (abs(v) * 0x1p-22 + 0x1p-126)), .greatestFiniteMagnitude) }
        let runs = Array(5 ..< 21) + [3] + Array(100 ..< 107) + Array(150 ..< 160)
        for m in [0, 1, 7, 8, 9, 61, -1] {
            let rows = m < 0 ? runs
                : (0 ..< m).map { _ in rng.nextInt(below: n) }.reduce(into: [Int]()) { if !$0.contains($1) { $0.append($1) } }
            let count = rows.count
            let found = (0 ..< count).map { _ in Int32(rng.nextInt(below: k)) }
            var best = (0 ..< count).map { _ in rng.nextDouble() * 50 }
            var second = best.map { $0 + rng.nextDouble() * 10 }
            if count > 2 {
                second[0] = .infinity
                best[1] = 0
                second[1] = 1e-20
                best[2] = 1e80
                second[2] = 1e90
            }
            let travelled = (0 ..< k).map { _ in rng.nextDouble() }
            let error = 1e-9, travelledMax = travelled.max()!
            let startLabels = (0 ..< n).map { _ in Int32(rng.nextInt(below: k + 1)) - 1 }
            var expectedLabels = startLabels
            var expectedBounds = [SIMD2<Float>](repeating: SIMD2(9, 9), count: n)
            var expectedTouched = [Int32](repeating: 0, count: k)
            var expectedChanged = 0, expectedFirst = Int.max
            for j in 0 ..< count {
                let i = rows[j], a = Int(found[j]), old = startLabels[i]
                let moved: Int32 = old != found[j] ? 1 : 0
                expectedChanged += Int(moved)
                if moved == 1 { expectedFirst = min(expectedFirst, i) }
                expectedTouched[a] |= moved
                expectedTouched[Int(max(old, 0))] |= moved
                expectedLabels[i] = found[j]
                let b = (best[j] + error) * grow, s = (second[j] - error) * shrink
                let u = (b < 0 ? 0 : b).squareRoot() * grow, l = (s < 0 ? 0 : s).squareRoot() * shrink
                let upper = upFloat(u - travelled[a])
                expectedBounds[i] = SIMD2(downFloat((l + travelledMax) * shrink - Double(upper)), -upper)
            }
            for level in KernelLevel.allCases where level <= KernelLevel.supported {
                KernelLevel.use(level)
                var labels = startLabels
                var bounds = [SIMD2<Float>](repeating: SIMD2(9, 9), count: n)
                var touched = [Int32](repeating: 0, count: k)
                let (changed, first) = Kernels.newBounds(rows: rows, count: count, found: found, best: best, second: second,
                                                         error: error, travelled: travelled, travelledMax: travelledMax,
                                                         labels: &labels, bounds: &bounds, touched: &touched)
                XCTAssertEqual(changed, expectedChanged, "\(level.name) m=\(m)")
                XCTAssertEqual(first, expectedFirst, "\(level.name) m=\(m): the first row whose label changed")
                XCTAssertEqual(labels, expectedLabels, "\(level.name) m=\(m)")
                XCTAssertEqual(touched, expectedTouched, "\(level.name) m=\(m)")
                XCTAssertEqual(bounds.map { [$0.x.bitPattern, $0.y.bitPattern] }, expectedBounds.map { [$0.x.bitPattern, $0.y.bitPattern] },
                               "\(level.name) m=\(m)")
            }
        }
    }

    /// The silhouette's distance sums are the same bits at every level (AVX-512 takes eight
    /// columns per step, then the rest four at a time): segments that start and end anywhere in
    /// a lane group, runs of one to nine rows, rows in no segment, several blocks (the column
    /// sums), 3 and 8 features.
    func testSegmentDistanceSumsAtEveryLevel() {
        var rng = Xoshiro256StarStar(seed: 46)
        for d in [3, 8] {
            let n = 3 * 256 + 77
            let x = Matrix(rows: n, cols: d, storage: (0 ..< n * d).map { _ in rng.nextGaussian() * 2 })
            var segments = [Range<Int>](), start = 0
            while start < n {
                let length = segments.count % 3 == 0 ? 1 + rng.nextInt(below: 9) : 1 + rng.nextInt(below: 300)
                let end = min(start + length, n)
                // Every fifth gap leaves rows out of every segment.
                if segments.count % 5 == 4 { start = min(end + 3, n) } else { segments.append(start ..< end); start = end }
            }
            var results = [[UInt64]]()
            for level in KernelLevel.allCases where level <= KernelLevel.supported {
                KernelLevel.use(level)
                results.append(Kernels.segmentDistanceSums(x, segments: segments).map(\.bitPattern))
                XCTAssertEqual(results.last, results.first, "d=\(d) \(level.name) against \(KernelLevel.baseline.name)")
            }
        }
    }

    /// The per-cluster sums with `Int32` labels (the bounded K-Means step's) at every level are
    /// the Swift loop's to the bit, for eight features (the AVX-512 path, with its sums on the
    /// stack and, past 256 clusters, on the heap) and for others.
    func testRowSumsAtEveryLevel() {
        var rng = Xoshiro256StarStar(seed: 44)
        for (n, d, k) in [(1_000, 8, 3), (777, 8, 10), (300, 5, 4), (64, 8, 1), (2_000, 8, 300)] {
            let x = Matrix(rows: n, cols: d, storage: (0 ..< n * d).map { _ in rng.nextGaussian() * 1e3 })
            let labels = (0 ..< n).map { _ in Int32(rng.nextInt(below: k)) }
            let rows = 3 ..< n - 1
            var expectedSums = [Double](repeating: 0, count: k * d), expectedCounts = [Int](repeating: 0, count: k)
            for i in rows {
                let g = Int(labels[i])
                expectedCounts[g] += 1
                for f in 0 ..< d { expectedSums[g * d + f] += x[i, f] }
            }
            for level in KernelLevel.allCases where level <= KernelLevel.supported {
                KernelLevel.use(level)
                var sums = [Double](repeating: 0, count: k * d), counts = [Int](repeating: 0, count: k)
                x.storage.withUnsafeBufferPointer { xs in
                    Kernels.addRows(xs.baseAddress!, dims: d, labels: labels, rows: rows, groups: k, sums: &sums, counts: &counts)
                }
                XCTAssertEqual(sums.map(\.bitPattern), expectedSums.map(\.bitPattern), "\(level.name) n\(n) d\(d) k\(k)")
                XCTAssertEqual(counts, expectedCounts, "\(level.name) n\(n) d\(d) k\(k)")
            }
        }
    }
}
