/// An experiment with how many of the runs it lists are in each state (`seglab experiments`).
public struct ExperimentSummary: Codable, Sendable, Equatable {
    public var name: String
    public var createdAt: String
    /// Runs listed by the experiment, per status; a status with no run is absent.
    public var runs: [RunStatus: Int]

    public init(name: String, createdAt: String, runs: [RunStatus: Int]) {
        self.name = name
        self.createdAt = createdAt
        self.runs = runs
    }

    /// Every run the experiment lists.
    public var totalRuns: Int { runs.values.reduce(0, +) }
}
