import XCTest
import SeglabMetrics
import SeglabNumerics

final class MetricSuiteTests: XCTestCase {
    private func blobs(_ n: Int, seed: UInt64) -> (Matrix, [Int]) {
        var rng = Xoshiro256StarStar(seed: seed)
        var rows = [[Double]](), labels = [Int]()
        for i in 0 ..< n {
            let c = i % 3
            rows.append([Double(c) * 5 + rng.nextGaussian(), rng.nextGaussian()])
            labels.append(c)
        }
        return (Matrix(rowArrays: rows), labels)
    }

    func testExactSilhouetteWithNoiseAndTruth() {
        var (x, labels) = blobs(60, seed: 1)
        labels[0] = -1; labels[7] = -1
        var rng = Xoshiro256StarStar(seed: 9)
        let report = MetricSuite.evaluate(x: x, labels: labels, truth: (0 ..< 60).map { $0 % 3 },
                                          silhouetteSample: 1000, rng: &rng)
        let clustered = labels.indices.filter { labels[$0] >= 0 }
        XCTAssertEqual(report.values["silhouette"]!, silhouetteScore(x: x.selectingRows(clustered), labels: clustered.map { labels[$0] }).value)
        XCTAssertEqual(report.values["silhouette_sample_size"]!, 58)
        XCTAssertEqual(report.values["noise_fraction"]!, 2.0 / 60)
        XCTAssertEqual(report.values["n_clusters"]!, 3)
        XCTAssertEqual(report.values["min_cluster_share"]!, 19.0 / 60)
        XCTAssertNotNil(report.values["ari"]!)
        XCTAssertNotNil(report.values["nmi"]!)
        XCTAssertEqual(report.clusterSizes.map(\.cluster), [-1, 0, 1, 2])
        XCTAssertEqual(report.clusterSizes.map(\.size), [2, 19, 19, 20])
        XCTAssertEqual(report.notes, [])
        // rng untouched when the silhouette is exact.
        var fresh = Xoshiro256StarStar(seed: 9)
        XCTAssertEqual(rng.next(), fresh.next())
    }

    func testSampledSilhouetteIsSeededAndRecordsItsSize() {
        let (x, labels) = blobs(300, seed: 2)
        var a = Xoshiro256StarStar(seed: 5), b = Xoshiro256StarStar(seed: 5)
        let r1 = MetricSuite.evaluate(x: x, labels: labels, truth: nil, silhouetteSample: 50, rng: &a)
        let r2 = MetricSuite.evaluate(x: x, labels: labels, truth: nil, silhouetteSample: 50, rng: &b)
        XCTAssertEqual(r1.values["silhouette_sample_size"]!, 50)
        XCTAssertEqual(r1.values["silhouette"]!, r2.values["silhouette"]!)
        var c = Xoshiro256StarStar(seed: 5)
        let rows = c.sampleIndices(50, from: 300)
        XCTAssertEqual(r1.values["silhouette"]!, silhouetteScore(x: x, labels: labels, rows: rows).value)
        XCTAssertFalse(r1.values.keys.contains("ari"))
    }

    func testUndefinedMetricsAreNilWithNotes() {
        let x = Matrix(rowArrays: [[0, 0], [1, 1], [2, 2]])
        var rng = Xoshiro256StarStar(seed: 1)
        let r = MetricSuite.evaluate(x: x, labels: [0, 0, 0], truth: nil, silhouetteSample: 100, rng: &rng)
        for name in ["silhouette", "davies_bouldin", "calinski_harabasz", "balance_entropy"] {
            XCTAssertEqual(r.values[name], .some(nil), name)
            XCTAssertTrue(r.notes.contains { $0.hasPrefix("\(name): ") }, name)
        }
        XCTAssertEqual(r.values["inertia"]!, 4)
        XCTAssertTrue(r.values.values.allSatisfy { $0.map { !$0.isNaN } ?? true })
    }
}
