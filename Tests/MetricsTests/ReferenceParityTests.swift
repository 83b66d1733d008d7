import XCTest
import SeglabMetrics
import SeglabNumerics
import SeglabTestSupport

/// Metrics against the values scikit-learn 1.9.1 computed on the reference data sets
/// (/work/shared/reference/README.md): relative difference ≤ 1e-9.
final class ReferenceParityTests: XCTestCase {
    static let datasets = ["iris", "wine", "moons_1k", "blobs_2k", "customers_5k", "blobs_20k"]

    private func assertClose(_ actual: Double?, _ expected: Any?, _ what: String, relative: Double = 1e-9,
                             file: StaticString = #filePath, line: UInt = #line) {
        guard let e = expected as? Double else { return XCTFail("\(what): no expected value", file: file, line: line) }
        guard let a = actual else { return XCTFail("\(what): nil, expected \(e)", file: file, line: line) }
        XCTAssertLessThanOrEqual(abs(a - e), relative * abs(e), "\(what): \(a) vs \(e)", file: file, line: line)
    }

    /// Silhouette, Davies–Bouldin, Calinski–Harabasz and inertia of `labels` against `entry`.
    ///
    /// One documented exception: scikit-learn's Davies–Bouldin measures a singleton cluster's
    /// spread with BLAS-expanded distances and gets √(rounding) ≈ 1.2e-7 instead of 0 (checked
    /// by hand for wine average k=2: direct differences give 0.5949803101789135, seglab's
    /// value to the bit, scikit-learn 0.5949803304138244). With singletons the DBI is compared
    /// to 1e-7 relative.
    private func checkGeometry(_ x: Matrix, _ labels: [Int], _ entry: [String: Any], _ what: String) {
        let hasSingleton = clusterBalance(labels: labels).sizes.contains { $0.cluster >= 0 && $0.size == 1 }
        assertClose(silhouetteScore(x: x, labels: labels).value, entry["silhouette"], "\(what) silhouette")
        assertClose(daviesBouldinScore(x: x, labels: labels).value, entry["davies_bouldin"], "\(what) davies_bouldin",
                    relative: hasSingleton ? 1e-7 : 1e-9)
        assertClose(calinskiHarabaszScore(x: x, labels: labels).value, entry["calinski_harabasz"], "\(what) calinski_harabasz")
        assertClose(inertia(x: x, labels: labels).value, entry["inertia"], "\(what) inertia")
    }

    func testLabelingsTrueAndKMeans() throws {
        try SharedFixtures.require("reference/expected_iris.json")
        for name in Self.datasets {
            let (x, truth) = try SharedFixtures.referenceDataset(name)
            let expected = try SharedFixtures.expected(name)
            let labelings = expected["labelings"] as! [String: [String: Any]]
            let kmeansLabels = try SharedFixtures.referenceLabels("labels_kmeans_\(name).csv")
            for (key, labels) in [("true", truth!), ("kmeans", kmeansLabels)] {
                let entry = labelings[key]!
                checkGeometry(x, labels, entry, "\(name) \(key)")
                let samples = silhouetteSamples(x: x, labels: labels)!
                for (i, e) in (entry["silhouette_samples_first10"] as! [Double]).enumerated() {
                    assertClose(samples[i], e, "\(name) \(key) silhouette_samples[\(i)]")
                }
                XCTAssertEqual(clusterBalance(labels: labels).nClusters, entry["n_clusters"] as? Int)
            }
            let agreement = expected["agreement_true_vs_kmeans"] as! [String: Any]
            assertClose(adjustedRandIndex(truth: truth!, predicted: kmeansLabels).value,
                        agreement["adjusted_rand_score"], "\(name) ARI")
            assertClose(normalizedMutualInformation(truth: truth!, predicted: kmeansLabels).value,
                        agreement["normalized_mutual_info_score"], "\(name) NMI")
        }
    }

    /// Agglomerative and BIRCH labelings include singleton clusters; DBSCAN's exercise noise
    /// exclusion (the reference metrics are over rows with label ≥ 0). Davies–Bouldin of a
    /// labeling with a singleton cluster is compared to 1e-7, not 1e-9: scikit-learn's own value
    /// carries √(rounding) there (see `checkGeometry`). blobs_20k has no such labelings (the
    /// reference generator makes none at that size).
    func testOtherAlgorithmsLabelingsDaviesBouldinRelaxedTo1e7ForSingletons() throws {
        try SharedFixtures.require("reference/expected_iris.json")
        for name in Self.datasets where name != "blobs_20k" {
            let (x, _) = try SharedFixtures.referenceDataset(name)
            let expected = try SharedFixtures.expected(name)
            for (section, metricsKey) in [("agglomerative", "metrics"), ("birch", "metrics"), ("dbscan", "metrics_non_noise")] {
                for run in (expected[section] as! [String: Any])["runs"] as! [[String: Any]] {
                    let file = run["file"] as! String
                    let labels = try SharedFixtures.referenceLabels(file)
                    let entry = run[metricsKey] as! [String: Any]
                    checkGeometry(x, labels, entry, file)
                }
            }
        }
    }
}
