import XCTest
@testable import SeglabClustering
import SeglabNumerics
import SeglabTestSupport

final class AgglomerativeTests: XCTestCase {
    private func fit(_ x: Matrix, k: Int, _ linkage: Agglomerative.Linkage, context: FitContext = .detached()) throws -> ClusteringFit<CentroidModel> {
        var rng = Xoshiro256StarStar(seed: 0)
        return try Agglomerative(k: k, linkage: linkage).fit(x, rng: &rng, context: context)
    }

    /// Textbook agglomerative clustering, O(n³): repeatedly merge the closest pair of clusters
    /// by the linkage's definition on the rows (no Lance–Williams, no chain).
    private func naive(_ x: Matrix, k: Int, _ linkage: Agglomerative.Linkage) -> [Int] {
        var clusters = (0 ..< x.rows).map { [$0] }
        func d(_ i: Int, _ j: Int) -> Double {
            var s = 0.0
            for f in 0 ..< x.cols { s += (x[i, f] - x[j, f]) * (x[i, f] - x[j, f]) }
            return s.squareRoot()
        }
        func linkageDistance(_ a: [Int], _ b: [Int]) -> Double {
            let pairs = a.flatMap { i in b.map { d(i, $0) } }
            switch linkage {
            case .single: return pairs.min()!
            case .complete: return pairs.max()!
            case .average: return pairs.reduce(0, +) / Double(pairs.count)
            case .ward:
                let ca = (0 ..< x.cols).map { f in a.reduce(0) { $0 + x[$1, f] } / Double(a.count) }
                let cb = (0 ..< x.cols).map { f in b.reduce(0) { $0 + x[$1, f] } / Double(b.count) }
                let sq = zip(ca, cb).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                return (2 * Double(a.count * b.count) / Double(a.count + b.count) * sq).squareRoot()
            }
        }
        while clusters.count > k {
            var best = (Double.infinity, 0, 0)
            for i in clusters.indices { for j in i + 1 ..< clusters.count {
                let v = linkageDistance(clusters[i], clusters[j])
                if v < best.0 { best = (v, i, j) }
            } }
            clusters[best.1] += clusters[best.2]
            clusters.remove(at: best.2)
        }
        var labels = [Int](repeating: 0, count: x.rows)
        for (c, members) in clusters.enumerated() { for i in members { labels[i] = c } }
        return labels
    }

    func testParametersAndMemoryEstimates() throws {
        XCTAssertEqual(Agglomerative.resolve(["k": .int(3)]).values, ["k": .int(3), "linkage": .string("ward")])
        XCTAssertThrowsError(try Agglomerative(parameters: Agglomerative.resolve([:])))
        XCTAssertTrue(AlgorithmRegistry.named("agglomerative") == Agglomerative.self)
        func estimate(_ rows: Int, _ linkage: String) -> Int {
            Agglomerative.memoryEstimate(rows: rows, cols: 8, parameters: Agglomerative.resolve(["k": .int(3), "linkage": .string(linkage)]))
        }
        // complete/average: the condensed matrix, 8·n(n−1)/2 bytes: 160 GB at 200,000 rows.
        XCTAssertGreaterThan(estimate(200_000, "complete"), 8 * 200_000 * 199_999 / 2)
        XCTAssertLessThan(estimate(200_000, "average"), 8 * 200_000 * 199_999 / 2 + 100_000_000)
        // ward and single: linear, under 100 MB at 200,000 rows.
        XCTAssertLessThan(estimate(200_000, "ward"), 100_000_000)
        XCTAssertLessThan(estimate(200_000, "single"), 100_000_000)
        XCTAssertNotNil(Agglomerative.memoryAdvice)
    }

    /// All four linkages on the 5 × 3 reference label files (k 2, 3, 5): the same partitions.
    func testReferenceLabelsAllLinkages() throws {
        try SharedFixtures.require("reference/expected_iris.json")
        var checked = 0
        for name in ["iris", "wine", "moons_1k", "blobs_2k", "customers_5k"] {
            let (x, _) = try SharedFixtures.referenceDataset(name)
            for linkage in Agglomerative.Linkage.allCases {
                let context = FitContext.detached()
                for k in [2, 3, 5] {
                    let file = "labels_agglo_\(name)_\(linkage.rawValue)_k\(k).csv"
                    let expected = try SharedFixtures.referenceLabels(file)
                    let result = try fit(x, k: k, linkage, context: context)
                    XCTAssertTrue(ClusteringFixtures.samePartition(result.labels, expected), file)
                    XCTAssertEqual(Set(result.labels), Set(0 ..< k))
                    checked += 1
                }
            }
        }
        XCTAssertEqual(checked, 60)
    }

    /// The fixtures made here: partitions for k = 4 and 7, and the height of every merge
    /// (scikit-learn's `distances_`) to 1e-9 relative: Ward's from centroids rather than by
    /// Lance–Williams differ from SciPy's only by rounding.
    func testOwnFixturesPartitionsAndMergeHeights() throws {
        let x = try ClusteringFixtures.anisotropicBlobs()
        for run in try ClusteringFixtures.expected()["agglomerative"] as! [[String: Any]] {
            let file = run["file"] as! String, linkage = Agglomerative.Linkage(rawValue: run["linkage"] as! String)!
            let result = try fit(x, k: run["k"] as! Int, linkage)
            XCTAssertTrue(ClusteringFixtures.samePartition(result.labels, try ClusteringFixtures.labels(ClusteringFixtures.dir.appendingPathComponent(file)).labels), file)
        }
        for linkage in Agglomerative.Linkage.allCases {
            let (_, rows) = try SharedFixtures.readNumericCSV(ClusteringFixtures.dir.appendingPathComponent("heights_\(linkage.rawValue).csv"))
            let tree = try Agglomerative.tree(x, linkage, context: .detached())
            XCTAssertEqual(tree.heights.count, rows.count)
            for (mine, theirs) in zip(tree.heights, rows.map { $0[0] }) {
                XCTAssertLessThanOrEqual(abs(mine - theirs), 1e-9 * theirs, "\(linkage): \(mine) vs \(theirs)")
            }
        }
    }

    /// Against the textbook definition on small random data (distinct distances, so no ties).
    func testEqualsTheNaiveAlgorithm() throws {
        var rng = Xoshiro256StarStar(seed: 31)
        var x = Matrix(rows: 70, cols: 3)
        for i in 0 ..< x.rows { for f in 0 ..< 3 { x[i, f] = Double(i % 5) * 2 + rng.nextGaussian() } }
        for linkage in Agglomerative.Linkage.allCases {
            for k in [2, 4, 9] {
                XCTAssertTrue(ClusteringFixtures.samePartition(try fit(x, k: k, linkage).labels, naive(x, k: k, linkage)), "\(linkage) k=\(k)")
            }
        }
    }

    /// One tree serves every k: fits sharing a cache give exactly what separate fits give, and
    /// the cache holds one tree per linkage.
    func testCachedTreeGivesIdenticalResults() throws {
        let (x, _) = try SharedFixtures.referenceDataset("blobs_2k")
        for linkage in Agglomerative.Linkage.allCases {
            let shared = FitContext.detached()
            for k in 2 ... 6 {
                let cached = try fit(x, k: k, linkage, context: shared)
                let fresh = try fit(x, k: k, linkage)
                XCTAssertEqual(cached.labels, fresh.labels)
                XCTAssertEqual(cached.model, fresh.model)
            }
            var computed = false
            _ = try shared.cache.value(for: "agglomerative.tree.\(linkage.rawValue)") { () -> Dendrogram in
                computed = true
                return try Agglomerative.tree(x, linkage, context: .detached())
            }
            XCTAssertFalse(computed, "the tree was cached")
        }
    }

    /// Labels numbered by first appearance; the model's centres are the cluster means and
    /// predict sends each centre to its own cluster.
    func testLabelsModelAndPredict() throws {
        let (x, _) = try SharedFixtures.referenceDataset("blobs_2k")
        let result = try fit(x, k: 5, .ward)
        var seen = [Int]()
        for l in result.labels where !seen.contains(l) { seen.append(l) }
        XCTAssertEqual(seen, Array(0 ..< 5))
        let centers = Matrix(rowArrays: result.model.centers)
        XCTAssertEqual(result.model.predict(centers).labels, Array(0 ..< 5))
        let agreement = zip(result.model.predict(x).labels, result.labels).filter { $0 == $1 }.count
        XCTAssertGreaterThan(agreement, x.rows * 99 / 100)
        let decoded = try JSONDecoder().decode(CentroidModel.self, from: JSONEncoder().encode(result.model))
        XCTAssertEqual(decoded, result.model)
        var rng = Xoshiro256StarStar(seed: 0)
        XCTAssertThrowsError(try Agglomerative(k: 3).fit(Matrix(rowArrays: [[0], [1]]), rng: &rng, context: .detached()))
    }

    /// A stop request ends a long tree build with `FitStopped`, and nothing is cached.
    func testStopRequestEndsTheTree() throws {
        var rng = Xoshiro256StarStar(seed: 2)
        var x = Matrix(rows: 5000, cols: 2)
        for i in 0 ..< x.rows { for f in 0 ..< 2 { x[i, f] = rng.nextGaussian() } }
        for linkage in Agglomerative.Linkage.allCases {
            let context = FitContext(stopRequested: { true })
            XCTAssertThrowsError(try fit(x, k: 3, linkage, context: context)) { XCTAssertEqual($0 as? FitStopped, .interrupted) }
        }
    }
}
