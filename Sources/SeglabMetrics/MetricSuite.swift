import SeglabNumerics

/// The metrics the runner records for every run.
public enum MetricSuite {
    /// The metrics that depend on the space the rows are in (not only on the labels): what a
    /// deep model reports again in its latent space, with the suffix `_latent`.
    public static let geometric = ["silhouette", "davies_bouldin", "calinski_harabasz", "inertia"]

    /// Silhouette, Davies–Bouldin, Calinski–Harabasz and inertia over the non-noise rows;
    /// cluster counts and shares over all rows; ARI and NMI against `truth` when given.
    ///
    /// The silhouette is taken over `silhouetteRows` (a sample drawn once per feature set by
    /// `silhouetteSample(rows:size:seed:)`, so every run of the feature set is scored on the
    /// same customers), or over all rows when nil; noise rows are left out either way, with
    /// distances among the rows used only (scikit-learn's `silhouette_score` on a sample).
    /// `silhouette_sample_size` records the number of rows used.
    public static func evaluate(x: Matrix, labels: [Int], truth: [Int]?, silhouetteRows: [Int]?) -> MetricReport {
        precondition(labels.count == x.rows)
        var results = [String: MetricResult]()
        let rows = (silhouetteRows ?? Array(labels.indices)).filter { labels[$0] >= 0 }
        results["silhouette"] = silhouetteRows == nil
            ? silhouetteScore(x: x, labels: labels)
            : silhouetteScore(x: x, labels: labels, rows: rows)
        results["silhouette_sample_size"] = .defined(Double(rows.count))
        // One coding of the labels and two reads of the rows serve the four geometric metrics.
        let groups = LabelGroups(labels)
        let geometry = groups.classes.isEmpty ? nil : ClusterGeometry(x, groups)
        results["inertia"] = geometry.map { .defined($0.squaredResiduals) } ?? .undefined("no clustered rows")
        if let reason = groups.invalidCountReason() {
            results["davies_bouldin"] = .undefined(reason)
            results["calinski_harabasz"] = .undefined(reason)
        } else {
            results["davies_bouldin"] = daviesBouldin(groups, geometry!)
            results["calinski_harabasz"] = calinskiHarabasz(groups, geometry!)
        }

        let balance = clusterBalance(groups)
        results["n_clusters"] = .defined(Double(balance.nClusters))
        results["min_cluster_share"] = balance.minClusterShare
        results["max_cluster_share"] = balance.maxClusterShare
        results["balance_entropy"] = balance.balanceEntropy
        results["noise_fraction"] = balance.noiseFraction
        if let truth {
            let table = Contingency(truth: truth, predicted: labels)
            results["ari"] = truth.isEmpty ? .undefined("no rows") : adjustedRandIndex(table)
            results["nmi"] = truth.isEmpty ? .undefined("no rows") : normalizedMutualInformation(table)
        }
        let notes = results.keys.sorted().compactMap { name in results[name]!.note.map { "\(name): \($0)" } }
        return MetricReport(values: results.mapValues { $0.value }, notes: notes, clusterSizes: balance.sizes)
    }

    /// The rows a feature set's silhouettes are taken on: nil (all rows) when there are at most
    /// `size`, else `size` rows in ascending order drawn by Floyd's algorithm from the stream
    /// `metrics.silhouette` of `seed` (the experiment seed mixed with the matrix hash).
    public static func silhouetteSample(rows: Int, size: Int, seed: UInt64) -> [Int]? {
        guard rows > size else { return nil }
        var rng = Xoshiro256StarStar(seed: seed, stream: "metrics.silhouette")
        return rng.sampleSortedIndices(size, from: rows)
    }
}
