import Foundation
import GRDB
import SeglabLedger
import XCTest

final class RunCompletionTests: XCTestCase {
    private let id = "aaaaaaaaaaaa"

    private func runningLedger() throws -> Ledger {
        let ledger = try makeLedger()
        try ledger.registerPending([plannedRun(id)])
        XCTAssertEqual(try ledger.claim(id: id, by: .current), .claimed)
        return ledger
    }

    private func assertNothingWritten(_ ledger: Ledger, file: StaticString = #filePath, line: UInt = #line) throws {
        let details = try XCTUnwrap(ledger.run(id: id), file: file, line: line)
        XCTAssertEqual(details.run.status, .running, file: file, line: line)
        XCTAssertNil(details.run.finishedAt, file: file, line: line)
        XCTAssertNil(details.run.resultsDir, file: file, line: line)
        XCTAssertEqual(details.metrics, [], file: file, line: line)
        XCTAssertEqual(details.clusters, [], file: file, line: line)
        XCTAssertEqual(details.artifacts, [], file: file, line: line)
    }

    func testCompleteRecordsEverythingAndStoresUndefinedMetricsAsNull() throws {
        let ledger = try runningLedger()
        try ledger.complete(outcome(id, metrics: ["silhouette": nil, "n_clusters": 2, "inertia": 10.5]), by: .current)
        let details = try XCTUnwrap(ledger.run(id: id))
        XCTAssertEqual(details.run.status, .completed)
        XCTAssertEqual(details.run.durationS, 1.5)
        XCTAssertEqual(details.run.datasetSHA256, String(repeating: "a", count: 64))
        XCTAssertEqual(details.metrics, [MetricRecord(name: "inertia", value: 10.5), MetricRecord(name: "n_clusters", value: 2),
                                         MetricRecord(name: "silhouette", value: nil)])
        let types = try DatabaseQueue(path: ledger.path).read { db in
            try String.fetchAll(db, sql: "SELECT typeof(value) FROM metrics ORDER BY name")
        }
        XCTAssertEqual(types, ["real", "real", "null"])
    }

    func testANaNMetricIsRefusedAndNothingIsHalfWritten() throws {
        let ledger = try runningLedger()
        // Sorted names: "a" and "b" are inserted before "zz" is refused.
        XCTAssertThrowsError(try ledger.complete(outcome(id, metrics: ["a": 1, "b": 2, "zz": .nan]), by: .current)) { error in
            guard case .nonFiniteMetric(let runID, let name, let value)? = error as? LedgerError else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(runID, self.id)
            XCTAssertEqual(name, "zz")
            XCTAssertTrue(value.isNaN)
            XCTAssertTrue("\(error)".contains("metric zz"))
        }
        try assertNothingWritten(ledger)
    }

    func testAnInfiniteMetricIsRefused() throws {
        let ledger = try runningLedger()
        XCTAssertThrowsError(try ledger.complete(outcome(id, metrics: ["davies_bouldin": -.infinity]), by: .current)) { error in
            XCTAssertEqual(error as? LedgerError, .nonFiniteMetric(runID: id, name: "davies_bouldin", value: -.infinity))
        }
        try assertNothingWritten(ledger)
    }

    func testADuplicateArtifactNameLeavesNothingHalfWritten() throws {
        let ledger = try runningLedger()
        let artifact = ArtifactRecord(name: "labels.csv", path: "p", sha256: "s", bytes: 1)
        // Metrics and clusters are written before the second labels.csv is refused.
        XCTAssertThrowsError(try ledger.complete(outcome(id, artifacts: [artifact, artifact]), by: .current)) { error in
            XCTAssertEqual(error as? LedgerError, .duplicate(owner: "run \(id)", what: "artifact labels.csv"))
        }
        try assertNothingWritten(ledger)
    }

    func testASQLiteConstraintFailureMidWayLeavesNothingHalfWritten() throws {
        let ledger = try runningLedger()
        // A negative size is refused by the clusters table's CHECK, after the metrics are inserted.
        var bad = outcome(id, metrics: ["silhouette": 0.3])
        bad.clusters = [ClusterRecord(cluster: 0, size: -1)]
        XCTAssertThrowsError(try ledger.complete(bad, by: .current))
        try assertNothingWritten(ledger)
    }

    func testCompletingAgainReplacesTheResults() throws {
        let ledger = try runningLedger()
        try ledger.complete(outcome(id, metrics: ["silhouette": 0.5, "bic": 1]), by: .current)
        var again = outcome(id, metrics: ["silhouette": 0.5])
        again.clusters = [ClusterRecord(cluster: 0, size: 100)]
        again.artifacts = [ArtifactRecord(name: "labels.csv", path: "p2", sha256: "d", bytes: 3)]
        let restarted = Date(timeIntervalSince1970: 1_800_000_000)
        XCTAssertEqual(try ledger.claim(id: id, by: .current, force: true, now: restarted), .claimed)
        try ledger.complete(again, by: .current)
        let details = try XCTUnwrap(ledger.run(id: id))
        XCTAssertEqual(details.metrics, [MetricRecord(name: "silhouette", value: 0.5)])
        XCTAssertEqual(details.clusters, again.clusters)
        XCTAssertEqual(details.artifacts, again.artifacts)
        XCTAssertEqual(details.run.startedAt, Timestamp.string(restarted))
    }
}
