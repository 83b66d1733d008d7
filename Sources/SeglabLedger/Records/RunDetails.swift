/// A run as `seglab show` presents it: its row and everything recorded about it.
public struct RunDetails: Codable, Sendable, Equatable {
    public var run: RunRecord
    /// Sorted by name.
    public var metrics: [MetricRecord]
    /// Sorted by cluster id (noise, -1, first).
    public var clusters: [ClusterRecord]
    /// Sorted by name.
    public var artifacts: [ArtifactRecord]
    /// Every experiment that lists the run, sorted by name.
    public var experiments: [String]

    public init(run: RunRecord, metrics: [MetricRecord], clusters: [ClusterRecord],
                artifacts: [ArtifactRecord], experiments: [String]) {
        self.run = run
        self.metrics = metrics
        self.clusters = clusters
        self.artifacts = artifacts
        self.experiments = experiments
    }
}
