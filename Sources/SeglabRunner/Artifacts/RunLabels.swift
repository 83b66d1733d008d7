import Foundation
import SeglabData
import SeglabLedger

/// A run's `labels.csv`, read back: customer ids and clusters in file order.
public struct RunLabels: Sendable, Equatable {
    public var ids: [String]
    public var labels: [Int]

    /// Reads the artifact, refusing a file that is missing or whose bytes differ from the
    /// ledger's SHA-256 (the message says how to restore it).
    public init(_ artifact: ArtifactRecord, runID: String) throws {
        guard let data = FileManager.default.contents(atPath: artifact.path) else {
            throw RunLabelsError("\(artifact.path) is missing (seglab rerun \(runID) writes it again)")
        }
        guard RunIdentity.sha256Hex(data) == artifact.sha256 else {
            throw RunLabelsError("\(artifact.path) differs from the ledger's sha256 (seglab rerun \(runID) restores it)")
        }
        let (header, rows) = try CSVRecords.read(path: artifact.path)
        guard header.count >= 2, header[1] == "cluster" else { throw RunLabelsError("\(artifact.path) is not a labels.csv") }
        ids = rows.map { $0[0] }
        labels = try rows.enumerated().map { i, row in
            guard let l = Int(row[1]) else { throw RunLabelsError("\(artifact.path) row \(i + 2): '\(row[1])' is not a cluster number") }
            return l
        }
    }

    /// The labels of `details`' run, or an error naming what is missing.
    public init(run details: RunDetails) throws {
        guard let artifact = details.artifact(named: "labels.csv") else {
            throw RunLabelsError("run \(details.run.id) has no labels.csv (it is \(details.run.status.rawValue))")
        }
        try self.init(artifact, runID: details.run.id)
    }
}

/// Labels that cannot be read, in words.
public struct RunLabelsError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ d: String) { description = d }
}
