/// Which runs `Ledger.runs(_:)` lists; nil filters match everything.
///
/// ```swift
/// let failed = try ledger.runs(RunQuery(experiment: "cdnow", status: .failed))
/// ```
public struct RunQuery: Codable, Sendable, Equatable {
    /// Only runs listed by this experiment.
    public var experiment: String?
    public var status: RunStatus?
    public var algorithm: String?

    public init(experiment: String? = nil, status: RunStatus? = nil, algorithm: String? = nil) {
        self.experiment = experiment
        self.status = status
        self.algorithm = algorithm
    }
}
