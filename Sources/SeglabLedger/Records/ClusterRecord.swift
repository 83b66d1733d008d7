import GRDB

/// The size of one cluster of a run (a row of `clusters` without its run id); cluster -1 is noise.
public struct ClusterRecord: Codable, Sendable, Equatable, FetchableRecord {
    public var cluster: Int
    public var size: Int

    public init(cluster: Int, size: Int) {
        self.cluster = cluster
        self.size = size
    }
}
