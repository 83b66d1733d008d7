/// Everything a ledger records, as `merge` reads a source ledger (see `Ledger.snapshot()`).
public struct LedgerSnapshot: Sendable {
    /// The file it was read from.
    public var path: String
    /// Every experiment with the runs it lists and its artifacts, sorted by name.
    public var experiments: [ExperimentDetails]
    /// Every run, sorted by key.
    public var runs: [RunSnapshot]

    public init(path: String, experiments: [ExperimentDetails], runs: [RunSnapshot]) {
        self.path = path
        self.experiments = experiments
        self.runs = runs
    }
}

/// One run with everything recorded about it.
public struct RunSnapshot: Sendable, Equatable {
    public var record: RunRecord
    /// Sorted by name.
    public var metrics: [MetricRecord]
    /// Sorted by cluster id.
    public var clusters: [ClusterRecord]
    /// Sorted by name.
    public var artifacts: [ArtifactRecord]
    /// Its life cycle in `run_events`, oldest first (empty in a ledger older than schema "v2").
    public var events: [RunEvent]

    public init(record: RunRecord, metrics: [MetricRecord], clusters: [ClusterRecord], artifacts: [ArtifactRecord],
                events: [RunEvent]) {
        self.record = record
        self.metrics = metrics
        self.clusters = clusters
        self.artifacts = artifacts
        self.events = events
    }

    /// SHA-256 of each artifact, by name: what two copies of a completed run must agree on.
    public var artifactHashes: [String: String] {
        Dictionary(artifacts.map { ($0.name, $0.sha256) }, uniquingKeysWith: { first, _ in first })
    }
}

/// A row of `run_events` without its run id.
public struct RunEvent: Sendable, Equatable {
    public var at: String
    /// `claimed`, `reclaimed`, `completed`, `failed`, `interrupted` or `requeued`.
    public var event: String
    public var host: String?
    public var pid: Int?
    public var detail: String?

    public init(at: String, event: String, host: String?, pid: Int?, detail: String?) {
        self.at = at
        self.event = event
        self.host = host
        self.pid = pid
        self.detail = detail
    }
}
