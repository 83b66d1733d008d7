/// What `Ledger.leaderboard(_:)` ranks and keeps.
///
/// The metric's direction is the caller's knowledge (the metric catalog lives with the metrics):
/// ```swift
/// let q = LeaderboardQuery(metric: "davies_bouldin", higherIsBetter: false, minClusterShare: 0.05, top: 10)
/// let perK = LeaderboardQuery(metric: "silhouette", experiment: "quickstart", bestPer: "k")
/// ```
public struct LeaderboardQuery: Codable, Sendable, Equatable {
    /// The metric to rank by.
    public var metric: String
    public var higherIsBetter: Bool
    /// Only runs listed by this experiment (any experiment when nil).
    public var experiment: String?
    /// Only runs of this algorithm.
    public var algorithm: String?
    /// Drops runs whose `min_cluster_share` is below this, or NULL/absent.
    public var minClusterShare: Double?
    /// Keeps the first `top` rows (all when nil); must not be negative.
    public var top: Int?
    /// Keeps only the best run of each value of this: `algorithm`, `feature_set`, or a parameter
    /// name (read from `params_json`; runs without the parameter are left out, a JSON `null` is
    /// a value of its own). Letters, digits and `_` only.
    public var bestPer: String?

    public init(metric: String = "silhouette", higherIsBetter: Bool = true, experiment: String? = nil,
                algorithm: String? = nil, minClusterShare: Double? = nil, top: Int? = nil, bestPer: String? = nil) {
        self.metric = metric
        self.higherIsBetter = higherIsBetter
        self.experiment = experiment
        self.algorithm = algorithm
        self.minClusterShare = minClusterShare
        self.top = top
        self.bestPer = bestPer
    }
}
