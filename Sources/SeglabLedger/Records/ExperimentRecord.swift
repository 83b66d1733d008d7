import GRDB

/// One row of `experiments`.
public struct ExperimentRecord: Codable, Sendable, Equatable {
    public var name: String
    /// The experiment file as canonical JSON, as last run.
    public var specJSON: String
    /// When the experiment was first recorded (kept on later upserts).
    public var createdAt: String

    public init(name: String, specJSON: String, createdAt: String) {
        self.name = name
        self.specJSON = specJSON
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case name
        case specJSON = "spec_json"
        case createdAt = "created_at"
    }
}

extension ExperimentRecord: FetchableRecord, TableRecord {
    public static let databaseTableName = "experiments"
}
