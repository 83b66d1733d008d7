/// Which way a metric improves, for ranking runs.
public enum MetricDirection: String, Sendable, Codable, CaseIterable {
    case higherIsBetter = "higher"
    case lowerIsBetter = "lower"
    /// Descriptive only (a count or a setting); not for ranking.
    case none
}

/// Every metric name of SPEC §4 with its direction.
public enum MetricCatalog {
    /// In SPEC §4 order.
    public static let all: [(name: String, direction: MetricDirection)] = [
        ("silhouette", .higherIsBetter),
        ("silhouette_sample_size", .none),
        ("davies_bouldin", .lowerIsBetter),
        ("calinski_harabasz", .higherIsBetter),
        ("inertia", .lowerIsBetter),
        ("log_likelihood", .higherIsBetter),
        ("bic", .lowerIsBetter),
        ("aic", .lowerIsBetter),
        ("noise_fraction", .lowerIsBetter),
        ("n_clusters", .none),
        ("min_cluster_share", .higherIsBetter),
        ("max_cluster_share", .lowerIsBetter),
        ("balance_entropy", .higherIsBetter),
        ("reconstruction_loss", .lowerIsBetter),
        ("fit_seconds", .lowerIsBetter),
        ("n_iter", .none),
        ("ari", .higherIsBetter),
        ("nmi", .higherIsBetter),
        // Beyond SPEC §4's list: what particular algorithms report about their fit.
        ("converged", .none),
        ("n_subclusters", .none),
    ]

    /// Metrics that count something (or are a 0/1 flag): always whole numbers, so outputs
    /// write them as integers (`6`, not `6.0`).
    public static let integerValued: Set<String> = ["n_clusters", "silhouette_sample_size", "n_iter", "n_subclusters", "converged"]

    /// The suffix of internal metrics computed in a deep model's latent space (`silhouette_latent`).
    public static let latentSuffix = "_latent"

    /// The direction of `name` (a `_latent` metric has its base metric's), or nil for an unknown name.
    public static func direction(of name: String) -> MetricDirection? {
        if name.hasSuffix(latentSuffix) { return direction(of: String(name.dropLast(latentSuffix.count))) }
        return all.first { $0.name == name }?.direction
    }
}
