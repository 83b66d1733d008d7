import XCTest
@testable import SeglabClustering
import SeglabMetrics
import SeglabNumerics
import SeglabTestSupport

final class DBSCANTests: XCTestCase {
    private func fit(_ x: Matrix, eps: Double, minSamples: Int) throws -> ClusteringFit<DBSCANModel> {
        var rng = Xoshiro256StarStar(seed: 0)
        return try DBSCAN(eps: eps, minSamples: minSamples).fit(x, rng: &rng, context: .detached())
    }

    /// The core rows of a fit, from its model (core points are stored in row order).
    private func coreRows(_ fit: ClusteringFit<DBSCANModel>, _ x: Matrix) -> [Int] {
        var next = 0
        return (0 ..< x.rows).filter { i in
            guard next < fit.model.corePoints.count, fit.model.corePoints[next] == x.row(i) else { return false }
            next += 1
            return true
        }
    }

    /// scikit-learn's DBSCAN, literally: neighbourhoods by brute force, then the visit in
    /// index order with a depth-first expansion (`_dbscan_inner.pyx`).
    private func visitingOrderDBSCAN(_ squaredDistances: [[Double]], eps: Double, minSamples: Int) -> [Int] {
        let n = squaredDistances.count
        let neighbourhoods = squaredDistances.map { row in row.indices.filter { row[$0] <= eps * eps } }
        let core = neighbourhoods.map { $0.count >= minSamples }
        var labels = [Int](repeating: -1, count: n), cluster = 0
        for start in 0 ..< n where labels[start] == -1 && core[start] {
            var stack = [start]
            while let i = stack.popLast() {
                guard labels[i] == -1 else { continue }
                labels[i] = cluster
                if core[i] { stack += neighbourhoods[i].filter { labels[$0] == -1 } }
            }
            cluster += 1
        }
        return labels
    }

    func testParameters() throws {
        XCTAssertEqual(DBSCAN.resolve(["eps": .real(0.5)]).values, ["eps": .real(0.5), "min_samples": .int(5)])
        XCTAssertThrowsError(try DBSCAN(parameters: DBSCAN.resolve([:])))
        XCTAssertTrue(AlgorithmRegistry.named("dbscan") == DBSCAN.self)
        var rng = Xoshiro256StarStar(seed: 1)
        XCTAssertThrowsError(try DBSCAN(eps: 1).fit(Matrix(rowArrays: [[0], [.infinity]]), rng: &rng, context: .detached()))
    }

    /// Every DBSCAN fixture of the shared reference: the same labels, cluster ids included
    /// (scikit-learn's visiting order is reproduced, so the ambiguous border rows agree too),
    /// the same core rows, and the run's metrics over the non-noise rows equal to the
    /// reference's `metrics_non_noise` (MetricSuite leaves label -1 out).
    func testReferenceLabelsCoreRowsAndNonNoiseMetrics() throws {
        try SharedFixtures.require("reference/expected_iris.json")
        var checked = 0
        for name in ["iris", "wine", "moons_1k", "blobs_2k", "customers_5k"] {
            let (x, _) = try SharedFixtures.referenceDataset(name)
            for run in (try SharedFixtures.expected(name)["dbscan"] as! [String: Any])["runs"] as! [[String: Any]] {
                let file = run["file"] as! String
                let (header, rows) = try SharedFixtures.readNumericCSV(SharedFixtures.referenceDir.appendingPathComponent(file))
                let expected = rows.map { Int($0[header.firstIndex(of: "label")!]) }
                let expectedCore = rows.indices.filter { rows[$0][header.firstIndex(of: "core")!] == 1 }
                let result = try fit(x, eps: run["eps"] as! Double, minSamples: run["min_samples"] as! Int)
                XCTAssertEqual(result.labels, expected, file)
                XCTAssertEqual(coreRows(result, x), expectedCore, file)

                let report = MetricSuite.evaluate(x: x, labels: result.labels, truth: nil, silhouetteRows: nil)
                let reference = run["metrics_non_noise"] as! [String: Any]
                for metric in ["silhouette", "davies_bouldin", "calinski_harabasz", "inertia"] {
                    let e = reference[metric] as! Double, a = report.values[metric]!!
                    XCTAssertLessThanOrEqual(abs(a - e), 1e-9 * abs(e), "\(file) \(metric): \(a) vs \(e)")
                }
                XCTAssertEqual(report.values["noise_fraction"]!!, run["noise_fraction"] as! Double, accuracy: 1e-15)
                XCTAssertEqual(report.values["n_clusters"]!!, Double(run["n_clusters"] as! Int))
                checked += 1
            }
        }
        XCTAssertEqual(checked, 15)
    }

    /// The fixtures made here with scikit-learn: unscaled data with norms near 1000, where an
    /// expanded-form distance would decide some `d ≤ eps` differently.
    func testOwnFixturesOnUnscaledData() throws {
        let x = try ClusteringFixtures.anisotropicBlobs()
        for run in try ClusteringFixtures.expected()["dbscan"] as! [[String: Any]] {
            let file = run["file"] as! String
            let (labels, core) = try ClusteringFixtures.labels(ClusteringFixtures.dir.appendingPathComponent(file))
            let result = try fit(x, eps: run["eps"] as! Double, minSamples: run["min_samples"] as! Int)
            XCTAssertEqual(result.labels, labels, file)
            XCTAssertEqual(coreRows(result, x), core!.indices.filter { core![$0] }, file)
        }
    }

    /// Random data with duplicates, many small clusters and ambiguous border rows, against the
    /// visiting-order algorithm itself: labels identical, ids included.
    func testEqualsTheVisitingOrderAlgorithm() throws {
        var rng = Xoshiro256StarStar(seed: 12)
        var x = Matrix(rows: 1200, cols: 3)
        for i in 0 ..< x.rows {
            for f in 0 ..< 3 { x[i, f] = Double(i % 9) * 1.5 + rng.nextGaussian() * (i % 4 == 0 ? 2 : 0.4) }
        }
        for i in stride(from: 3, to: x.rows, by: 37) { for f in 0 ..< 3 { x[i, f] = x[i - 3, f] } }
        let squaredDistances = (0 ..< x.rows).map { i in
            (0 ..< x.rows).map { j in (0 ..< 3).reduce(0.0) { $0 + (x[i, $1] - x[j, $1]) * (x[i, $1] - x[j, $1]) } }
        }
        for (eps, minSamples) in [(0.3, 3), (0.5, 5), (0.8, 12), (1.5, 40), (0.05, 1)] {
            let result = try fit(x, eps: eps, minSamples: minSamples)
            XCTAssertEqual(result.labels, visitingOrderDBSCAN(squaredDistances, eps: eps, minSamples: minSamples), "eps \(eps) min \(minSamples)")
        }
    }

    func testPredictRuleAndModelRoundTrip() throws {
        let (x, _) = try SharedFixtures.referenceDataset("moons_1k")
        let result = try fit(x, eps: 0.12, minSamples: 5)
        let prediction = result.model.predict(x)
        let core = Set(coreRows(result, x))
        for i in 0 ..< x.rows where core.contains(i) {
            XCTAssertEqual(prediction.labels[i], result.labels[i])
            XCTAssertEqual(prediction.scores[i], 0)
        }
        // A border row joins its nearest core point's cluster; noise stays noise, with the
        // distance to the nearest core point (beyond eps).
        for i in 0 ..< x.rows where !core.contains(i) {
            XCTAssertEqual(prediction.labels[i] == -1, result.labels[i] == -1, "row \(i)")
            XCTAssertEqual(prediction.scores[i] > 0.12, result.labels[i] == -1, "row \(i)")
        }
        let far = result.model.predict(Matrix(rowArrays: [[40, 40]]))
        XCTAssertEqual(far.labels, [-1])
        XCTAssertGreaterThan(far.scores[0], 50)
        let decoded = try JSONDecoder().decode(DBSCANModel.self, from: JSONEncoder().encode(result.model))
        XCTAssertEqual(decoded, result.model)
    }

    /// All noise, or one cluster: the internal metrics are NULL with the reason.
    func testFewerThanTwoClustersLeaveTheInternalMetricsUndefined() throws {
        let (x, _) = try SharedFixtures.referenceDataset("moons_1k")
        for (eps, clusters) in [(0.001, 0), (5.0, 1)] {
            let result = try fit(x, eps: eps, minSamples: 5)
            XCTAssertEqual(Set(result.labels.filter { $0 >= 0 }).count, clusters)
            let report = MetricSuite.evaluate(x: x, labels: result.labels, truth: nil, silhouetteRows: nil)
            for metric in ["silhouette", "davies_bouldin", "calinski_harabasz"] {
                XCTAssertNil(report.values[metric]!, metric)
                XCTAssertTrue(report.notes.contains { $0.hasPrefix("\(metric): needs 2 to n-1 clusters") }, "\(report.notes)")
            }
            XCTAssertEqual(report.values["noise_fraction"]!!, clusters == 0 ? 1 : 0)
        }
        XCTAssertEqual(try fit(x, eps: 0.001, minSamples: 5).model.predict(x).scoreKind, nil)
    }
}
