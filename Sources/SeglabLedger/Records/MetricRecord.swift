import GRDB

/// One metric of a run (a row of `metrics` without its run id); `value` is nil where undefined.
public struct MetricRecord: Codable, Sendable, Equatable, FetchableRecord {
    public var name: String
    public var value: Double?

    public init(name: String, value: Double?) {
        self.name = name
        self.value = value
    }
}
