import GRDB

/// A file written for a run or an experiment (a row of `artifacts` or `experiment_artifacts`
/// without its owner).
public struct ArtifactRecord: Codable, Sendable, Equatable, FetchableRecord {
    /// The file name (`labels.csv`, …), unique per owner.
    public var name: String
    public var path: String
    /// SHA-256 (hex) of the file's bytes.
    public var sha256: String
    public var bytes: Int

    public init(name: String, path: String, sha256: String, bytes: Int) {
        self.name = name
        self.path = path
        self.sha256 = sha256
        self.bytes = bytes
    }
}
