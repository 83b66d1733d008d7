import Foundation
import SeglabLedger

extension RunDetails {
    /// The run's artifact called `name` (`model.json`, `labels.csv`…), if it recorded one.
    public func artifact(named name: String) -> ArtifactRecord? {
        artifacts.first { $0.name == name }
    }
}

extension ArtifactRecord {
    /// The file's bytes when they still have the ledger's SHA-256; nil when the file is missing,
    /// unreadable or changed since the run (`seglab rerun` writes it again). What `assign`,
    /// `predict-check` and the server's assignment read a model or a profile through: a run's
    /// segments are never served from a file that is not the one the run wrote.
    public func verifiedContents() -> Data? {
        guard let data = FileManager.default.contents(atPath: path), RunIdentity.sha256Hex(data) == sha256 else { return nil }
        return data
    }
}
