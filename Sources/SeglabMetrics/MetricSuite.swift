import SeglabNumerics

/// The metrics the runner records for every run.
public enum MetricSuite {
    /// Silhouette, Davies–Bouldin, Calinski–Harabasz and inertia over the non-noise rows;
    /// cluster counts and shares over all rows; ARI and NMI against `truth` when given.
    ///
    /// The silhouette is exact when at most `silhouetteSample` rows are clustered; otherwise
    /// it is computed on `silhouetteSample` of them drawn with `rng.sampleIndices` (the only
    /// use of `rng`). `silhouette_sample_size` records the number of rows used.
    public static func evaluate(x: Matrix, labels: [Int], truth: [Int]?, silhouetteSample: Int,
                                rng: inout Xoshiro256StarStar) -> MetricReport {
        precondition(labels.count == x.rows && silhouetteSample >= 0)
        var results = [String: MetricResult]()
        let clustered = labels.indices.filter { labels[$0] >= 0 }

        var silhouetteRows = clustered
        if clustered.count > silhouetteSample {
            silhouetteRows = rng.sampleIndices(silhouetteSample, from: clustered.count).map { clustered[$0] }
        }
        results["silhouette"] = silhouetteScore(x: x, labels: labels, rows: silhouetteRows)
        results["silhouette_sample_size"] = .defined(Double(silhouetteRows.count))
        results["davies_bouldin"] = daviesBouldinScore(x: x, labels: labels)
        results["calinski_harabasz"] = calinskiHarabaszScore(x: x, labels: labels)
        results["inertia"] = inertia(x: x, labels: labels)

        let balance = clusterBalance(labels: labels)
        results["n_clusters"] = .defined(Double(balance.nClusters))
        results["min_cluster_share"] = balance.minClusterShare
        results["max_cluster_share"] = balance.maxClusterShare
        results["balance_entropy"] = balance.balanceEntropy
        results["noise_fraction"] = balance.noiseFraction
        if let truth {
            results["ari"] = adjustedRandIndex(truth: truth, predicted: labels)
            results["nmi"] = normalizedMutualInformation(truth: truth, predicted: labels)
        }
        let notes = results.keys.sorted().compactMap { name in results[name]!.note.map { "\(name): \($0)" } }
        return MetricReport(values: results.mapValues { $0.value }, notes: notes, clusterSizes: balance.sizes)
    }
}
