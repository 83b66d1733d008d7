import XCTest
@testable import SeglabNumerics

final class KernelsTests: XCTestCase {
    /// Reproducible data with a few exact duplicate rows.
    private func randomMatrix(rows: Int, cols: Int, seed: UInt64) -> Matrix {
        var rng = Xoshiro256StarStar(seed: seed)
        var m = Matrix(rows: rows, cols: cols)
        for i in 0 ..< rows { for f in 0 ..< cols { m[i, f] = rng.nextGaussian() * 3 + Double(f) } }
        for i in stride(from: 5, to: rows, by: 97) { for f in 0 ..< cols { m[i, f] = m[i - 5, f] } }
        return m
    }

    /// The documented formula, one pair at a time.
    private func scalarSquaredDistance(_ a: [Double], _ b: [Double]) -> Double {
        var na = 0.0, nb = 0.0, dot = 0.0
        for f in a.indices { na += a[f] * a[f]; nb += b[f] * b[f]; dot += b[f] * a[f] }
        return Kernels.squaredDistance(normA: na, normB: nb, dot: dot)
    }

    func testNearestCentersMatchScalarFormulaBitForBit() {
        // More rows than one chunk and more centres than one SIMD group.
        let x = randomMatrix(rows: Kernels.rowChunk * 2 + 37, cols: 5, seed: 1)
        let centers = x.selectingRows([3, 100, 5000, 7, 9000, 12000, 15, 16000, 42, 2])
        let (labels, dist) = Kernels.nearestCenters(x, centers: centers)
        for i in stride(from: 0, to: x.rows, by: 13) {
            let d = (0 ..< centers.rows).map { scalarSquaredDistance(x.row(i), centers.row($0)) }
            let best = d.indices.min { d[$0] < d[$1] || (d[$0] == d[$1] && $0 < $1) }!
            XCTAssertEqual(labels[i], best)
            XCTAssertEqual(dist[i].bitPattern, d[best].bitPattern)
        }
        // A row that is a centre is at distance exactly 0 from it.
        XCTAssertEqual(dist[5000], 0)
        XCTAssertEqual(labels[5000], 2)
    }

    func testNearestCenterTiesGoToLowestIndex() {
        let x = Matrix(rowArrays: [[1, 1], [0, 0]])
        let centers = Matrix(rowArrays: [[5, 5], [1, 1], [1, 1]])
        XCTAssertEqual(Kernels.nearestCenters(x, centers: centers).labels, [1, 1])
    }

    func testSegmentDistanceSumsMatchDirectDifferences() {
        // Several blocks of the symmetric pass, segments across block boundaries, a singleton,
        // rows in no segment (600 ..< 610), a size that is not a multiple of 4.
        let x = randomMatrix(rows: Kernels.blockRows * 3 + 203, cols: 3, seed: 2)
        let segments = [0 ..< 1, 1 ..< 70, 70 ..< 300, 300 ..< 301, 301 ..< 600, 610 ..< x.rows]
        let sums = Kernels.segmentDistanceSums(x, segments: segments)
        for i in 0 ..< x.rows {
            for (s, seg) in segments.enumerated() {
                var direct = 0.0
                for j in seg where j != i {
                    var e2 = 0.0
                    for f in 0 ..< x.cols { e2 += (x[i, f] - x[j, f]) * (x[i, f] - x[j, f]) }
                    direct += e2.squareRoot()
                }
                XCTAssertEqual(sums[i * segments.count + s], direct, accuracy: 1e-10 * max(direct, 1))
            }
        }
        // Blocks run in parallel; the sums are assembled in a fixed order all the same.
        for _ in 0 ..< 3 {
            XCTAssertEqual(Kernels.segmentDistanceSums(x, segments: segments).map(\.bitPattern), sums.map(\.bitPattern))
        }
    }

    func testSelfAndDuplicateDistancesAreExactlyZero() {
        let x = Matrix(rowArrays: [[0.1, 1e3, -7.3], [0.1, 1e3, -7.3], [1e-3, 2e3, 5]])
        let sums = Kernels.segmentDistanceSums(x, segments: [0 ..< 2, 2 ..< 3])
        XCTAssertEqual(sums[0], 0)  // row 0 to rows {0, 1}: itself and its duplicate
        XCTAssertEqual(sums[2], 0)
    }

    func testChunkedReductionIsIdenticalToSequentialEvaluationOfTheSameChunks() {
        let x = randomMatrix(rows: 50_000, cols: 1, seed: 3).storage
        let body = { (r: Range<Int>) -> Double in r.reduce(0.0) { $0 + x[$1] * 1.1 } }
        let parallel = Parallel.mapChunks(count: x.count, chunkSize: 4096, body)
        let sequential = Parallel.chunkRanges(count: x.count, chunkSize: 4096).map(body)
        XCTAssertEqual(parallel.count, 13)
        XCTAssertEqual(parallel.map(\.bitPattern), sequential.map(\.bitPattern))
        XCTAssertEqual(parallel.reduce(0, +).bitPattern, sequential.reduce(0, +).bitPattern)
    }

    func testGroupSumsResidualsAndVariances() {
        let x = Matrix(rowArrays: [[1, 2], [3, 4], [10, 0], [5, 5]])
        let labels = [0, 0, 1, -1]
        let (sums, counts) = Kernels.groupSums(x, labels: labels, groups: 2)
        XCTAssertEqual(sums.storage, [4, 6, 10, 0])
        XCTAssertEqual(counts, [2, 1])
        let centers = Matrix(rowArrays: [[2, 3], [10, 0]])
        XCTAssertEqual(Kernels.sumSquaredResiduals(x, centers: centers, labels: labels), 4)
        XCTAssertEqual(Kernels.columnVariances(x), [11.1875, 3.6875])
        XCTAssertEqual(Kernels.rowSquaredNorms(x), [5, 25, 100, 50])
    }

    /// The facts of 11 columns (a block of eight, three alone) over several chunks equal a plain
    /// per-column reading to the bit; a NaN or an infinity anywhere is seen, and finite values
    /// whose absolute sum overflows are still finite.
    func testMatrixFactsAgainstPlainSums() {
        let n = 2 * Kernels.rowChunk + 37, d = 11
        var rng = Xoshiro256StarStar(seed: 31)
        let x = Matrix(rows: n, cols: d, storage: (0 ..< n * d).map { _ in (rng.nextDouble() - 0.3) * 1e3 })
        let facts = MatrixFacts(x)
        XCTAssertTrue(facts.allFinite)
        let chunks = Parallel.chunkRanges(count: n, chunkSize: Kernels.rowChunk)
        for f in 0 ..< d {
            var total = 0.0, absolute = 0.0
            for rows in chunks {
                var s = 0.0, a = 0.0
                for i in rows { s += x[i, f]; a += abs(x[i, f]) }
                total += s
                absolute += a
            }
            let mean = total / Double(n)
            var squares = 0.0
            for rows in chunks {
                var s = 0.0
                for i in rows { s += (x[i, f] - mean) * (x[i, f] - mean) }
                squares += s
            }
            XCTAssertEqual(facts.columnVariances[f].bitPattern, (squares / Double(n)).bitPattern, "column \(f)")
            XCTAssertGreaterThanOrEqual(facts.columnAbsoluteSums[f], absolute, "column \(f)")
            XCTAssertLessThan(facts.columnAbsoluteSums[f], absolute * (1 + 1e-9), "column \(f)")
        }
        XCTAssertEqual(facts.largestSquaredNorm, Kernels.rowSquaredNorms(x).max())
        for bad in [Double.nan, .infinity, -.infinity] {
            for (row, col) in [(0, 0), (n - 1, 7), (Kernels.rowChunk + 5, 10)] {
                var y = x
                y[row, col] = bad
                XCTAssertFalse(MatrixFacts(y).allFinite, "\(bad) at (\(row), \(col))")
            }
        }
        let huge = Matrix(rows: 4, cols: 9, storage: [Double](repeating: -1e308, count: 36))
        XCTAssertTrue(MatrixFacts(huge).allFinite)
    }

    func testPackedCentersDistancesOfABlockOfRows() {
        let centers = Matrix(rowArrays: [[0, 0], [3, 4], [1, 1]])
        let x = Matrix(rowArrays: [[3, 4], [0, 0], [1, 1], [3, 4], [2, 0]])  // not a multiple of 4 rows
        var out = [Double](repeating: -1, count: 3 * 5)
        x.storage.withUnsafeBufferPointer { xs in
            out.withUnsafeMutableBufferPointer { o in
                PackedCenters(centers).distances(xs.baseAddress!, rows: 1 ..< 5, into: o.baseAddress! + 1, stride: 5)
            }
        }
        // One run per centre, written from the first row asked for (row 1, at offset 1).
        XCTAssertEqual(out, [-1, 0, 2, 25, 4, -1, 25, 13, 0, 17, -1, 2, 0, 13, 2])
    }

    /// The bound-based K-Means step relies on these two agreeing with the full pass to the bit.
    func testNearestTwoAndSingleDistanceMatchTheFullPass() {
        let x = randomMatrix(rows: 1_003, cols: 7, seed: 4)
        let centers = x.selectingRows([1, 500, 999, 7, 20, 1])  // a duplicate centre: exact ties
        let packed = PackedCenters(centers)
        let rows = Array(stride(from: 1_002, through: 0, by: -3))  // any order, not a multiple of 4
        var labels = [Int32](repeating: -1, count: rows.count)
        var best = [Double](repeating: 0, count: rows.count), second = best
        x.storage.withUnsafeBufferPointer { xs in
            packed.nearestTwo(xs.baseAddress!, rows: rows, count: rows.count, labels: &labels, best: &best, second: &second)
        }
        let full = Kernels.nearestCenters(x, centers: centers)
        for (j, i) in rows.enumerated() {
            XCTAssertEqual(Int(labels[j]), full.labels[i])
            XCTAssertEqual(best[j].bitPattern, full.minSqDist[i].bitPattern)
            var all = [Double](repeating: 0, count: centers.rows)
            x.storage.withUnsafeBufferPointer { xs in
                all.withUnsafeMutableBufferPointer {
                    packed.distances(xs.baseAddress!, rows: i ..< i + 1, into: $0.baseAddress!, stride: 1)
                }
            }
            XCTAssertEqual(all[full.labels[i]].bitPattern, best[j].bitPattern)
            let others = all.indices.filter { $0 != full.labels[i] }.map { all[$0] }
            XCTAssertEqual(second[j].bitPattern, others.min()!.bitPattern)
        }
    }
}
