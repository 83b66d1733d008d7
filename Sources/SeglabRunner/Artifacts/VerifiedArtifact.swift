import Foundation
import SeglabLedger

extension RunDetails {
    /// The run's artifact called `name` (`model.json`, `labels.csv`…), if it recorded one.
    public func artifact(named name: String) -> ArtifactRecord? {
        artifacts.first { $0.name == name }
    }

    /// Segment names by cluster id from the run's `profile.csv`, read through
    /// `verifiedContents(ofRun:consequence:)`; empty when the run wrote no profile.
    public func verifiedSegmentNames() throws -> [Int: String] {
        guard let profile = artifact(named: "profile.csv") else { return [:] }
        let bytes = try profile.verifiedContents(ofRun: run.id, consequence: "the segment names cannot be trusted")
        return Profile.segmentNames(csvPath: profile.path, contents: [UInt8](bytes))
    }
}

/// A run's file that is missing or no longer has the ledger's SHA-256; its description is
/// what `seglab assign` prints and the server answers with 409.
public struct ChangedArtifact: Error, CustomStringConvertible {
    public let description: String
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

    /// `verifiedContents()`, or a `ChangedArtifact` naming the file, what its change means
    /// (`consequence`) and how to restore it.
    public func verifiedContents(ofRun id: String, consequence: String) throws -> Data {
        guard let data = verifiedContents() else {
            throw ChangedArtifact(description: "\(path) is missing or differs from the ledger's sha256: \(consequence) "
                + "(seglab rerun \(id) restores it)")
        }
        return data
    }
}
