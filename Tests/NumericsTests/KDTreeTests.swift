import XCTest
@testable import SeglabNumerics

final class KDTreeTests: XCTestCase {
    /// Clustered data with exact duplicate rows, a constant column and large offsets.
    func data(rows: Int, cols: Int, seed: UInt64) -> Matrix {
        var rng = Xoshiro256StarStar(seed: seed)
        var m = Matrix(rows: rows, cols: cols)
        for i in 0 ..< rows {
            let centre = Double(i % 4) * 3
            for f in 0 ..< cols { m[i, f] = f == cols - 1 ? 7 : 1000 + centre + rng.nextGaussian() }
        }
        for i in stride(from: 11, to: rows, by: 53) { for f in 0 ..< cols { m[i, f] = m[i - 11, f] } }
        return m
    }

    func bruteForce(_ x: Matrix, _ q: [Double]) -> [Double] {
        (0 ..< x.rows).map { i in
            x.storage.withUnsafeBufferPointer { xs in
                q.withUnsafeBufferPointer { Kernels.differencedSquaredDistance(xs.baseAddress! + i * x.cols, $0.baseAddress!, count: x.cols) }
            }
        }
    }

    /// The rows `visit` reports within `r2` of `q`, whole nodes expanded, sorted; each once.
    private func within(_ tree: KDTree, _ q: [Double], _ r2: Double) -> [Int] {
        var found = [Int]()
        q.withUnsafeBufferPointer { qp in
            tree.visit(within: r2, of: qp.baseAddress!, whole: { node in
                // A whole node's points are all within r2, however far apart they are.
                XCTAssertLessThanOrEqual(tree.squaredDiameter(node), 4 * r2 + 1e-9)
                found += tree.rows(of: node).map(Int.init)
            }, row: { found.append($0) })
        }
        XCTAssertEqual(Set(found).count, found.count)
        return found.sorted()
    }

    func testRadiusSearchesEqualABruteForceScan() {
        for (rows, leaf) in [(1, 32), (7, 2), (900, 1), (2500, 32)] {
            let x = data(rows: rows, cols: 4, seed: UInt64(rows))
            let tree = KDTree(x, leafSize: leaf)
            for i in stride(from: 0, to: rows, by: max(1, rows / 40)) {
                let q = x.row(i)
                let d2 = bruteForce(x, q)
                for r2 in [0.0, 0.5, 2.0, 30.0] {
                    let expected = d2.indices.filter { d2[$0] <= r2 }
                    XCTAssertEqual(within(tree, q, r2), expected, "rows \(rows) leaf \(leaf) query \(i) r² \(r2)")
                    q.withUnsafeBufferPointer { qp in
                        XCTAssertEqual(tree.count(within: r2, of: qp.baseAddress!), expected.count)
                        XCTAssertEqual(tree.count(within: r2, of: qp.baseAddress!, limit: 3), min(3, expected.count))
                    }
                }
            }
        }
    }

    /// The exact decision at the boundary: a point at distance exactly r is inside.
    func testBoundaryPointIsInside() {
        let x = Matrix(rowArrays: [[0, 0], [3, 4], [3, 4.000000000000001], [-3, -4]])
        let tree = KDTree(x, leafSize: 1)
        let origin: [Double] = [0, 0]
        origin.withUnsafeBufferPointer { q in
            XCTAssertEqual(tree.count(within: 25, of: q.baseAddress!), 3)
            XCTAssertEqual(within(tree, origin, 25), [0, 1, 3])
        }
    }

    func testNearestIsTheLowestRowAmongTheNearest() {
        let x = data(rows: 3000, cols: 3, seed: 9)
        let tree = KDTree(x, leafSize: 8)
        var rng = Xoshiro256StarStar(seed: 4)
        var queries = Matrix(rows: 300, cols: 3)
        for i in 0 ..< 300 {
            // Half the queries are rows of the data (nearest at distance 0, duplicates tie).
            for f in 0 ..< 3 { queries[i, f] = i % 2 == 0 ? x[i * 7, f] : 1000 + rng.nextGaussian() * 6 }
        }
        let (rows, d2) = tree.nearest(queries)
        for i in 0 ..< queries.rows {
            let all = bruteForce(x, queries.row(i))
            let best = all.indices.min { all[$0] < all[$1] || (all[$0] == all[$1] && $0 < $1) }!
            XCTAssertEqual(rows[i], best, "query \(i)")
            XCTAssertEqual(d2[i].bitPattern, all[best].bitPattern)
        }
        XCTAssertEqual(KDTree(Matrix(rows: 0, cols: 3)).nearest(queries).rows.first, -1)
    }
}

extension KDTreeTests {
    /// Every inner node's rows are its children's; no two points of a node are farther apart
    /// than its squared diameter says.
    func testNodesPartitionTheRowsAndBoundTheirDiameters() {
        let x = data(rows: 700, cols: 3, seed: 5)
        let tree = KDTree(x, leafSize: 16)
        XCTAssertEqual(tree.rows(of: 0).map(Int.init).sorted(), Array(0 ..< 700))
        for node in 0 ..< tree.nodeCount {
            let rows = tree.rows(of: node).map(Int.init)
            if let (a, b) = tree.children(of: node) {
                XCTAssertEqual(rows.sorted(), (tree.rows(of: a) + tree.rows(of: b)).map(Int.init).sorted())
            } else {
                XCTAssertLessThanOrEqual(rows.count, 16)
                for i in rows { for j in rows { XCTAssertLessThanOrEqual(bruteForce(x, x.row(i))[j], tree.squaredDiameter(node)) } }
            }
        }
    }
}
