/// One ranked run, with a few key metrics for display (nil where NULL or not recorded).
public struct LeaderboardRow: Codable, Sendable, Equatable {
    /// 1-based position in the ranking (ties broken by run id, so ranks are distinct).
    public var rank: Int
    public var runID: String
    /// The first experiment that declared the run.
    public var experiment: String
    public var featureSet: String
    public var algorithm: String
    public var paramsJSON: String
    public var seed: UInt64
    public var replicate: Int
    /// The value of the ranked metric.
    public var value: Double?
    public var silhouette: Double?
    public var daviesBouldin: Double?
    public var calinskiHarabasz: Double?
    public var nClusters: Int?
    public var minClusterShare: Double?
    public var balanceEntropy: Double?

    public init(rank: Int, runID: String, experiment: String, featureSet: String, algorithm: String,
                paramsJSON: String, seed: UInt64, replicate: Int, value: Double?, silhouette: Double?,
                daviesBouldin: Double?, calinskiHarabasz: Double?, nClusters: Int?,
                minClusterShare: Double?, balanceEntropy: Double?) {
        self.rank = rank
        self.runID = runID
        self.experiment = experiment
        self.featureSet = featureSet
        self.algorithm = algorithm
        self.paramsJSON = paramsJSON
        self.seed = seed
        self.replicate = replicate
        self.value = value
        self.silhouette = silhouette
        self.daviesBouldin = daviesBouldin
        self.calinskiHarabasz = calinskiHarabasz
        self.nClusters = nClusters
        self.minClusterShare = minClusterShare
        self.balanceEntropy = balanceEntropy
    }

    enum CodingKeys: String, CodingKey {
        case rank
        case runID = "run_id"
        case experiment
        case featureSet = "feature_set"
        case algorithm
        case paramsJSON = "params_json"
        case seed, replicate, value, silhouette
        case daviesBouldin = "davies_bouldin"
        case calinskiHarabasz = "calinski_harabasz"
        case nClusters = "n_clusters"
        case minClusterShare = "min_cluster_share"
        case balanceEntropy = "balance_entropy"
    }
}
