/// Everything `Ledger.complete(_:)` commits for a finished run, in one transaction.
public struct CompletedRun: Codable, Sendable, Equatable {
    public var id: String
    public var finishedAt: String
    public var durationS: Double
    public var datasetSHA256: String
    public var codeVersion: String
    public var resultsDir: String
    /// Metric values by name; nil where undefined (stored as NULL). NaN and ±infinity are refused.
    public var metrics: [String: Double?]
    /// Cluster sizes, one per cluster id (-1 for noise).
    public var clusters: [ClusterRecord]
    public var artifacts: [ArtifactRecord]

    public init(
        id: String, finishedAt: String, durationS: Double, datasetSHA256: String, codeVersion: String,
        resultsDir: String, metrics: [String: Double?], clusters: [ClusterRecord], artifacts: [ArtifactRecord]
    ) {
        self.id = id
        self.finishedAt = finishedAt
        self.durationS = durationS
        self.datasetSHA256 = datasetSHA256
        self.codeVersion = codeVersion
        self.resultsDir = resultsDir
        self.metrics = metrics
        self.clusters = clusters
        self.artifacts = artifacts
    }
}
