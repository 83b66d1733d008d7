import Foundation
import SeglabLedger
import XCTest

extension XCTestCase {
    /// A ledger path inside a fresh temporary folder that is removed when the test ends.
    func makeLedgerPath(_ relative: String = "ledger.sqlite") throws -> String {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("seglab-ledger-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder.appendingPathComponent(relative).path
    }

    /// A fresh ledger with experiment `exp` recorded.
    func makeLedger(experiment: String = "exp") throws -> Ledger {
        let ledger = try Ledger(path: try makeLedgerPath())
        try ledger.upsertExperiment(name: experiment, specJSON: #"{"name":"\#(experiment)"}"#, createdAt: "2026-01-01T00:00:00Z")
        return ledger
    }
}

/// A planned run whose key is `id` padded to 64 hex digits.
func plannedRun(_ id: String, experiment: String = "exp", algorithm: String = "kmeans",
                params: String = #"{"k":3}"#, seed: UInt64 = 7) -> RunRecord {
    RunRecord(id: id, key: id + String(repeating: "0", count: 64 - id.count), experiment: experiment,
              featureSet: "rfm", algorithm: algorithm, paramsJSON: params, seed: seed, replicate: 0,
              configJSON: #"{"algorithm":"\#(algorithm)"}"#)
}

/// A finished run with the given metrics, two clusters and two artifacts.
func outcome(_ id: String, metrics: [String: Double?] = ["silhouette": 0.5],
             artifacts: [ArtifactRecord]? = nil) -> CompletedRun {
    CompletedRun(
        id: id, finishedAt: "2026-01-01T00:01:00Z", durationS: 1.5, datasetSHA256: String(repeating: "a", count: 64),
        codeVersion: "test", resultsDir: "results/exp/\(id)", metrics: metrics,
        clusters: [ClusterRecord(cluster: 1, size: 30), ClusterRecord(cluster: -1, size: 2), ClusterRecord(cluster: 0, size: 68)],
        artifacts: artifacts ?? [
            ArtifactRecord(name: "model.json", path: "results/exp/\(id)/model.json", sha256: String(repeating: "b", count: 64), bytes: 10),
            ArtifactRecord(name: "labels.csv", path: "results/exp/\(id)/labels.csv", sha256: String(repeating: "c", count: 64), bytes: 20),
        ])
}

/// Registers `runs`, claims each and completes it with `metrics`.
func completeRuns(_ ledger: Ledger, _ runs: [(RunRecord, [String: Double?])]) throws {
    try ledger.registerPending(runs.map(\.0))
    for (run, metrics) in runs {
        XCTAssertEqual(try ledger.claim(id: run.id, by: .current), .claimed)
        try ledger.complete(outcome(run.id, metrics: metrics), by: .current)
    }
}

/// A process of another host: only its heartbeat tells whether it is alive.
let otherHost = RunOwner(host: "elsewhere.example", pid: 4242, processStart: nil)
