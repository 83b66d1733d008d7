import SeglabLedger

extension ExperimentSummary {
    /// `runs` (all of them) then one count per status, in `RunStatus.allCases` order (0 where none).
    public var counts: [(name: String, count: Int)] {
        [("runs", totalRuns)] + RunStatus.allCases.map { ($0.rawValue, runs[$0] ?? 0) }
    }

    /// The experiment as `seglab experiments --format json` and `GET /experiments` list it:
    /// name, when it was first recorded, and its runs counted by status.
    public var json: JSONValue {
        .object([("name", .string(name)), ("created_at", .string(createdAt))] + counts.map { ($0.name, .int($0.count)) })
    }
}
