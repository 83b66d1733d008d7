/// The names a ledger holds, sorted, for messages that say what exists when a filter names
/// something that does not (`--experiment online_retail` when the experiment is `online-retail`).
public struct RecordedNames: Codable, Sendable, Equatable {
    public var experiments: [String]
    /// Algorithms and feature sets of any run, whatever its status.
    public var algorithms: [String]
    public var featureSets: [String]
    /// Parameter names found in any run's `params_json`.
    public var parameters: [String]
    /// Metric names recorded for at least one (completed) run.
    public var metrics: [String]

    public init(experiments: [String], algorithms: [String], featureSets: [String], parameters: [String], metrics: [String]) {
        self.experiments = experiments
        self.algorithms = algorithms
        self.featureSets = featureSets
        self.parameters = parameters
        self.metrics = metrics
    }
}
