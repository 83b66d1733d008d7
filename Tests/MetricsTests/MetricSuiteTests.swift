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
        let report = MetricSuite.evaluate(x: x, labels: labels, truth: (0 ..< 60).map { $0 % 3 }, silhouetteRows: nil)
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
    }

    func testSilhouetteSampleIsSeededSortedAndOnlyAboveItsSize() {
        XCTAssertNil(MetricSuite.silhouetteSample(rows: 300, size: 300, seed: 5))
        let rows = MetricSuite.silhouetteSample(rows: 300, size: 50, seed: 5)!
        XCTAssertEqual(rows, MetricSuite.silhouetteSample(rows: 300, size: 50, seed: 5))
        XCTAssertEqual(rows.count, 50)
        XCTAssertEqual(rows, Array(Set(rows)).sorted())
        XCTAssertNotEqual(rows, MetricSuite.silhouetteSample(rows: 300, size: 50, seed: 6))
        // Drawn without a permutation of all rows: a sample of a billion is as cheap as of a hundred.
        XCTAssertEqual(MetricSuite.silhouetteSample(rows: 1_000_000_000, size: 10, seed: 5)!.count, 10)
    }

    func testSampledSilhouetteUsesTheGivenRowsWithoutNoise() {
        var (x, labels) = blobs(300, seed: 2)
        let sample = MetricSuite.silhouetteSample(rows: 300, size: 50, seed: 5)!
        labels[sample[0]] = -1
        let r = MetricSuite.evaluate(x: x, labels: labels, truth: nil, silhouetteRows: sample)
        XCTAssertEqual(r.values["silhouette_sample_size"]!, 49)
        XCTAssertEqual(r.values["silhouette"]!, silhouetteScore(x: x, labels: labels, rows: Array(sample.dropFirst())).value)
        XCTAssertFalse(r.values.keys.contains("ari"))
    }

    func testUndefinedMetricsAreNilWithNotes() {
        let x = Matrix(rowArrays: [[0, 0], [1, 1], [2, 2]])
        let r = MetricSuite.evaluate(x: x, labels: [0, 0, 0], truth: nil, silhouetteRows: nil)
        for name in ["silhouette", "davies_bouldin", "calinski_harabasz", "balance_entropy"] {
            XCTAssertEqual(r.values[name], .some(nil), name)
            XCTAssertTrue(r.notes.contains { $0.hasPrefix("\(name): ") }, name)
        }
        XCTAssertEqual(r.values["inertia"]!, 4)
        XCTAssertTrue(r.values.values.allSatisfy { $0.map { !$0.isNaN } ?? true })
    }
}
