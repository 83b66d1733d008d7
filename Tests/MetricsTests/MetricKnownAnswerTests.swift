import XCTest
import SeglabMetrics
import SeglabNumerics

/// Small cases whose answers are known by hand (and agree with scikit-learn 1.9.1).
final class MetricKnownAnswerTests: XCTestCase {
    // Two pairs 1 apart, 4 apart from each other, and a singleton at (10, 0).
    let x = Matrix(rowArrays: [[0, 0], [0, 1], [4, 0], [4, 1], [10, 0]])
    let labels = [0, 0, 1, 1, 2]

    func testSilhouetteByHand() {
        // Row 0: a = 1, b = (4 + √17) / 2, s = 1 − 2 / (4 + √17); the singleton scores 0.
        let s0 = 1 - 2 / (4 + 17.0.squareRoot())
        let samples = silhouetteSamples(x: x, labels: labels)!
        XCTAssertEqual(samples.count, 5)
        for i in 0 ..< 4 { XCTAssertEqual(samples[i], s0, accuracy: 1e-15) }
        XCTAssertEqual(samples[4], 0)
        XCTAssertEqual(silhouetteScore(x: x, labels: labels).value!, 0.6030309990117432, accuracy: 1e-15)
    }

    func testSilhouetteIgnoresNoiseAndSamplesRows() {
        let withNoise = Matrix(rowArrays: Array(x.storage).chunked(2) + [[100, 100]])
        XCTAssertEqual(silhouetteScore(x: withNoise, labels: labels + [-1]).value!,
                       silhouetteScore(x: x, labels: labels).value!, accuracy: 1e-15)
        // On rows {0, 1, 2, 3} only: two clusters, a = 1, b = (4 + √17) / 2 for every row.
        XCTAssertEqual(silhouetteScore(x: x, labels: labels, rows: [0, 1, 2, 3]).value!,
                       1 - 2 / (4 + 17.0.squareRoot()), accuracy: 1e-15)
    }

    func testUndefinedSilhouetteIsNilWithReasonNeverNaN() {
        let one = silhouetteScore(x: x, labels: [0, 0, 0, 0, 0])
        XCTAssertNil(one.value)
        XCTAssertNotNil(one.note)
        XCTAssertNil(silhouetteScore(x: x, labels: [0, 1, 2, 3, 4]).value)  // n_clusters == n
        XCTAssertNil(silhouetteSamples(x: x, labels: [-1, -1, -1, -1, -1]))
        XCTAssertNil(daviesBouldinScore(x: x, labels: [0, 0, 0, 0, 0]).value)
        XCTAssertNil(calinskiHarabaszScore(x: x, labels: [0, 1, 2, 3, 4]).value)
        XCTAssertNil(inertia(x: x, labels: [-1, -1, -1, -1, -1]).value)
    }

    func testCoincidentPointsGiveZeroNotNaN() {
        let same = Matrix(rowArrays: [[1, 1], [1, 1], [1, 1], [1, 1]])
        XCTAssertEqual(silhouetteScore(x: same, labels: [0, 0, 1, 1]).value, 0)
        XCTAssertEqual(daviesBouldinScore(x: same, labels: [0, 0, 1, 1]).value, 0)
        XCTAssertEqual(calinskiHarabaszScore(x: same, labels: [0, 0, 1, 1]).value, 1)
    }

    func testDaviesBouldinCalinskiHarabaszInertiaByHand() {
        XCTAssertEqual(daviesBouldinScore(x: x, labels: labels).value!, 0.19434849328458, accuracy: 1e-14)
        XCTAssertEqual(calinskiHarabaszScore(x: x, labels: labels).value!, 67.4, accuracy: 1e-12)
        // Each pair contributes 2 × 0.5², the singleton 0.
        XCTAssertEqual(inertia(x: x, labels: labels).value, 1.0)
    }

    func testAdjustedRandAndNMIKnownValues() {
        XCTAssertEqual(adjustedRandIndex(truth: [0, 0, 1, 1], predicted: [0, 0, 1, 2]).value!, 0.5714285714285714, accuracy: 1e-15)
        XCTAssertEqual(adjustedRandIndex(truth: [0, 0, 1, 1], predicted: [0, 1, 0, 1]).value!, -0.5, accuracy: 1e-15)
        XCTAssertEqual(adjustedRandIndex(truth: [0, 0, 0, 1, 1, 1, 2, 2], predicted: [1, 1, 0, 0, 2, 2, -1, -1]).value!,
                       0.4444444444444444, accuracy: 1e-15)
        XCTAssertEqual(adjustedRandIndex(truth: [3, 3, 5], predicted: [9, 9, 1]).value, 1)
        XCTAssertEqual(normalizedMutualInformation(truth: [0, 0, 1, 1], predicted: [0, 0, 1, 2]).value!, 0.8, accuracy: 1e-15)
        XCTAssertEqual(normalizedMutualInformation(truth: [0, 0, 1, 1], predicted: [0, 1, 0, 1]).value, 0)
        XCTAssertEqual(normalizedMutualInformation(truth: [0, 0, 0, 1, 1, 1, 2, 2], predicted: [1, 1, 0, 0, 2, 2, -1, -1]).value!,
                       0.7364087154289768, accuracy: 1e-15)
        XCTAssertEqual(normalizedMutualInformation(truth: [1, 1, 1], predicted: [4, 4, 4]).value, 1)
    }

    func testAdjustedRandIsExactForLargeCounts() {
        // 2 × 10⁵ rows: pair counts ~10¹⁰, their products ~10²⁰ (beyond Int64 and Double's exact range).
        let n = 200_000
        let truth = (0 ..< n).map { $0 % 2 }
        let predicted = (0 ..< n).map { $0 < n / 2 ? $0 % 2 : 0 }
        let ari = adjustedRandIndex(truth: truth, predicted: predicted).value!
        XCTAssertTrue(ari.isFinite && ari > 0 && ari < 1)
        XCTAssertEqual(adjustedRandIndex(truth: truth, predicted: truth).value, 1)
    }

    func testClusterBalance() {
        let b = clusterBalance(labels: [2, 2, 0, -1, 2, 0, 0, 0, -1, 1])
        XCTAssertEqual(b.nClusters, 3)
        XCTAssertEqual(b.sizes.map(\.cluster), [-1, 0, 1, 2])
        XCTAssertEqual(b.sizes.map(\.size), [2, 4, 1, 3])
        XCTAssertEqual(b.minClusterShare.value, 0.1)
        XCTAssertEqual(b.maxClusterShare.value, 0.4)
        XCTAssertEqual(b.noiseFraction.value, 0.2)
        let p = [4.0, 1, 3].map { $0 / 8 }
        XCTAssertEqual(b.balanceEntropy.value!, -p.map { $0 * log($0) }.reduce(0, +) / log(3), accuracy: 1e-15)
        XCTAssertEqual(clusterBalance(labels: [0, 1, 0, 1]).balanceEntropy.value!, 1, accuracy: 1e-15)
        XCTAssertNil(clusterBalance(labels: [0, 0]).balanceEntropy.value)
        let allNoise = clusterBalance(labels: [-1, -1])
        XCTAssertEqual(allNoise.nClusters, 0)
        XCTAssertNil(allNoise.minClusterShare.value)
        XCTAssertEqual(allNoise.noiseFraction.value, 1)
    }

    func testCatalogCoversSpecNamesWithDirections() {
        let spec = ["silhouette", "silhouette_sample_size", "davies_bouldin", "calinski_harabasz", "inertia",
                    "log_likelihood", "bic", "aic", "noise_fraction", "n_clusters", "min_cluster_share",
                    "max_cluster_share", "balance_entropy", "reconstruction_loss", "fit_seconds", "n_iter", "ari", "nmi"]
        XCTAssertEqual(MetricCatalog.all.map(\.name), spec + ["converged", "n_subclusters"])
        XCTAssertEqual(MetricCatalog.direction(of: "silhouette_latent"), .higherIsBetter)
        XCTAssertNil(MetricCatalog.direction(of: "nonsense_latent"))
        XCTAssertEqual(MetricCatalog.direction(of: "silhouette"), .higherIsBetter)
        XCTAssertEqual(MetricCatalog.direction(of: "davies_bouldin"), .lowerIsBetter)
        XCTAssertEqual(MetricCatalog.direction(of: "n_clusters"), MetricDirection.none)
        XCTAssertNil(MetricCatalog.direction(of: "accuracy"))
    }
}

private extension Array where Element == Double {
    func chunked(_ size: Int) -> [[Double]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0 ..< Swift.min($0 + size, count)]) }
    }
}
