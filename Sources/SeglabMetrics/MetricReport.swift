/// Every label-based metric of one run (SPEC §4 names), as `MetricSuite.evaluate` returns it.
public struct MetricReport: Sendable {
    /// nil where a metric is undefined for the run (never NaN); `notes` says why.
    public var values: [String: Double?]
    /// One line per undefined metric: "<name>: <reason>", in metric-name order.
    public var notes: [String]
    /// Sorted by cluster id, noise (-1) first when present.
    public var clusterSizes: [(cluster: Int, size: Int)]

    public init(values: [String: Double?], notes: [String], clusterSizes: [(cluster: Int, size: Int)]) {
        self.values = values; self.notes = notes; self.clusterSizes = clusterSizes
    }
}
