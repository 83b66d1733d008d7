import Foundation
import GRDB
import SeglabLedger
import XCTest

final class RunLifecycleTests: XCTestCase {
    func testRegisterInsertsPendingRunsAndLinksThem() throws {
        let ledger = try Ledger(path: try makeLedgerPath())
        let experiment = ExperimentRecord(name: "exp", specJSON: #"{"a":1}"#, createdAt: "t0")
        var run = plannedRun("aaaaaaaaaaaa")
        run.status = .completed  // registration ignores the life-cycle fields it is handed
        run.error = "stale"
        try ledger.register(experiment: experiment, runs: [run, plannedRun("bbbbbbbbbbbb")])
        XCTAssertEqual(try ledger.statuses(of: ["aaaaaaaaaaaa", "bbbbbbbbbbbb", "zzzzzzzzzzzz"]),
                       ["aaaaaaaaaaaa": .pending, "bbbbbbbbbbbb": .pending])
        let details = try XCTUnwrap(ledger.run(id: "aaaaaaaaaaaa"))
        XCTAssertNil(details.run.error)
        XCTAssertEqual(details.experiments, ["exp"])
        XCTAssertEqual(try ledger.experiment(named: "exp")?.runIDs, ["aaaaaaaaaaaa", "bbbbbbbbbbbb"])
    }

    /// One run in each status, by status.
    private func ledgerWithOneRunPerStatus() throws -> (Ledger, [RunStatus: String]) {
        let ledger = try makeLedger()
        let ids: [RunStatus: String] = [.completed: "aaaaaaaaaaaa", .failed: "bbbbbbbbbbbb", .interrupted: "cccccccccccc",
                                        .running: "dddddddddddd", .pending: "eeeeeeeeeeee"]
        try ledger.registerPending(ids.values.sorted().map { plannedRun($0) })
        for status in [RunStatus.completed, .failed, .interrupted, .running] {
            try ledger.markRunning(id: ids[status]!, startedAt: "t1")
        }
        try ledger.complete(outcome(ids[.completed]!))
        try ledger.fail(id: ids[.failed]!, error: "singular covariance", finishedAt: "t2", durationS: 0.5)
        try ledger.markInterrupted(ids: [ids[.interrupted]!])
        return (ledger, ids)
    }

    func testRegisterPendingDoesNotDemoteCompletedRunsButResetsOthers() throws {
        let (ledger, ids) = try ledgerWithOneRunPerStatus()
        // The `running` one stands for a run left behind by a process that died.
        try ledger.registerPending(ids.values.sorted().map { plannedRun($0) } + [plannedRun("ffffffffffff")])
        XCTAssertEqual(try ledger.statuses(of: ids.values.sorted() + ["ffffffffffff"]), [
            ids[.completed]!: .completed, ids[.failed]!: .pending, ids[.interrupted]!: .pending,
            ids[.running]!: .pending, ids[.pending]!: .pending, "ffffffffffff": .pending,
        ])
        let completed = try XCTUnwrap(ledger.run(id: ids[.completed]!))
        XCTAssertEqual(completed.run.finishedAt, "2026-01-01T00:01:00Z")
        XCTAssertEqual(completed.metrics, [MetricRecord(name: "silhouette", value: 0.5)])
        let reset = try XCTUnwrap(ledger.run(id: ids[.failed]!)).run
        XCTAssertNil(reset.error)
        XCTAssertNil(reset.startedAt)
        XCTAssertNil(reset.finishedAt)
    }

    func testMarkInterruptedOnlyTouchesRunningRows() throws {
        let (ledger, ids) = try ledgerWithOneRunPerStatus()
        XCTAssertEqual(try ledger.markInterrupted(ids: ids.values.sorted() + ["nosuchrun000"]), 1)
        XCTAssertEqual(try ledger.statuses(of: ids.values.sorted()), [
            ids[.completed]!: .completed, ids[.failed]!: .failed, ids[.interrupted]!: .interrupted,
            ids[.running]!: .interrupted, ids[.pending]!: .pending,
        ])
    }

    func testFailRecordsTheReasonAndForcedRerunClearsOldResults() throws {
        let ledger = try makeLedger()
        let id = "aaaaaaaaaaaa"
        try completeRuns(ledger, [(plannedRun(id), ["silhouette": 0.5, "inertia": 12])])
        try ledger.markRunning(id: id, startedAt: "t3")  // --force
        let running = try XCTUnwrap(ledger.run(id: id))
        XCTAssertEqual(running.run.status, .running)
        XCTAssertEqual(running.run.startedAt, "t3")
        XCTAssertTrue(running.metrics.isEmpty && running.clusters.isEmpty && running.artifacts.isEmpty)

        try ledger.fail(id: id, error: "singular covariance", finishedAt: "t4", durationS: 0.25)
        let failed = try XCTUnwrap(ledger.run(id: id)).run
        XCTAssertEqual(failed.status, .failed)
        XCTAssertEqual(failed.error, "singular covariance")
        XCTAssertEqual(failed.durationS, 0.25)
    }

    func testUnknownRunsAreNamed() throws {
        let ledger = try makeLedger()
        XCTAssertThrowsError(try ledger.markRunning(id: "nosuchrun000", startedAt: "t")) { error in
            XCTAssertEqual(error as? LedgerError, .unknownRun(id: "nosuchrun000"))
        }
        XCTAssertThrowsError(try ledger.complete(outcome("nosuchrun000"))) { error in
            XCTAssertEqual(error as? LedgerError, .unknownRun(id: "nosuchrun000"))
        }
        XCTAssertThrowsError(try ledger.linkRuns(experiment: "exp", runIDs: ["nosuchrun000"])) { error in
            XCTAssertEqual(error as? LedgerError, .unknownRun(id: "nosuchrun000"))
        }
        XCTAssertNil(try ledger.run(id: "nosuchrun000"))
    }

    func testSeedsUpTo2To63MinusOneRoundTrip() throws {
        let ledger = try makeLedger()
        try ledger.registerPending([plannedRun("aaaaaaaaaaaa", seed: UInt64(Int64.max))])
        XCTAssertEqual(try ledger.run(id: "aaaaaaaaaaaa")?.run.seed, UInt64(Int64.max))
        XCTAssertThrowsError(try ledger.registerPending([plannedRun("bbbbbbbbbbbb", seed: 1 << 63)])) { error in
            XCTAssertEqual(error as? LedgerError, .seedOutOfRange(runID: "bbbbbbbbbbbb", seed: 1 << 63))
        }
    }

    func testARunSharedByTwoExperimentsIsListedByBothAndKeepsItsFirstExperiment() throws {
        let ledger = try makeLedger(experiment: "first")
        let run = plannedRun("aaaaaaaaaaaa", experiment: "first")
        try ledger.register(experiment: ExperimentRecord(name: "first", specJSON: "{}", createdAt: "t0"), runs: [run])
        var again = run
        again.experiment = "second"
        try ledger.register(experiment: ExperimentRecord(name: "second", specJSON: "{}", createdAt: "t1"), runs: [again])
        let details = try XCTUnwrap(ledger.run(id: run.id))
        XCTAssertEqual(details.run.experiment, "first")
        XCTAssertEqual(details.experiments, ["first", "second"])
    }

    func testUpsertExperimentKeepsCreatedAtAndReplacesTheSpec() throws {
        let ledger = try makeLedger()
        try ledger.upsertExperiment(name: "exp", specJSON: #"{"v":2}"#, createdAt: "later")
        XCTAssertEqual(try ledger.experiments(),
                       [ExperimentRecord(name: "exp", specJSON: #"{"v":2}"#, createdAt: "2026-01-01T00:00:00Z")])
    }

    func testExperimentArtifactsAreUpsertedByName() throws {
        let ledger = try makeLedger()
        let report = ArtifactRecord(name: "data_report.json", path: "r/d.json", sha256: "1", bytes: 5)
        let pca = ArtifactRecord(name: "pca_rfm.csv", path: "r/p.csv", sha256: "2", bytes: 6)
        try ledger.recordExperimentArtifacts(experiment: "exp", [report, pca])
        let newReport = ArtifactRecord(name: "data_report.json", path: "r/d.json", sha256: "3", bytes: 7)
        try ledger.recordExperimentArtifacts(experiment: "exp", [newReport])
        XCTAssertEqual(try ledger.experiment(named: "exp")?.artifacts, [newReport, pca])
        XCTAssertThrowsError(try ledger.recordExperimentArtifacts(experiment: "nope", [pca])) { error in
            XCTAssertEqual(error as? LedgerError, .unknownExperiment(name: "nope"))
        }
        XCTAssertNil(try ledger.experiment(named: "nope"))
    }

    func testRunDetailsAreSortedAndPrefixLookupFindsRuns() throws {
        let ledger = try makeLedger()
        try completeRuns(ledger, [(plannedRun("ab12aaaaaaaa"), ["silhouette": 0.5, "ari": nil, "bic": 3]),
                                  (plannedRun("ab34bbbbbbbb"), [:]), (plannedRun("cd00cccccccc"), [:])])
        let details = try XCTUnwrap(ledger.run(id: "ab12aaaaaaaa"))
        XCTAssertEqual(details.metrics.map(\.name), ["ari", "bic", "silhouette"])
        XCTAssertEqual(details.clusters, [ClusterRecord(cluster: -1, size: 2), ClusterRecord(cluster: 0, size: 68),
                                          ClusterRecord(cluster: 1, size: 30)])
        XCTAssertEqual(details.artifacts.map(\.name), ["labels.csv", "model.json"])
        XCTAssertEqual(details.run.resultsDir, "results/exp/ab12aaaaaaaa")
        XCTAssertEqual(details.run.codeVersion, "test")
        XCTAssertEqual(try ledger.runs(idPrefix: "AB").map(\.id), ["ab12aaaaaaaa", "ab34bbbbbbbb"])
        XCTAssertEqual(try ledger.runs(idPrefix: "ab3").map(\.id), ["ab34bbbbbbbb"])
        XCTAssertEqual(try ledger.runs(idPrefix: "a%").map(\.id), [])
    }

    func testStatusesOfManyIds() throws {
        let ledger = try makeLedger()
        let ids = (0..<1200).map { String(format: "%012x", $0) }
        try ledger.registerPending(ids.map { plannedRun($0) })
        let statuses = try ledger.statuses(of: ids)
        XCTAssertEqual(statuses.count, 1200)
        XCTAssertTrue(statuses.values.allSatisfy { $0 == .pending })
    }
}
