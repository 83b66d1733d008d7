/// A completed run among the replicates of one configuration (the same configuration but for
/// the replicate index), with its `labels.csv` where recorded.
public struct ReplicateRecord: Sendable, Equatable {
    public var id: String
    public var replicate: Int
    public var labels: ArtifactRecord?

    public init(id: String, replicate: Int, labels: ArtifactRecord?) {
        self.id = id
        self.replicate = replicate
        self.labels = labels
    }
}
