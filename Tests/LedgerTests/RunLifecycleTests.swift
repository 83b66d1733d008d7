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

    /// One run in each status, by status; the `running` one is held by a live process of another host.
    private func ledgerWithOneRunPerStatus() throws -> (Ledger, [RunStatus: String]) {
        let ledger = try makeLedger()
        let ids: [RunStatus: String] = [.completed: "aaaaaaaaaaaa", .failed: "bbbbbbbbbbbb", .interrupted: "cccccccccccc",
                                        .running: "dddddddddddd", .pending: "eeeeeeeeeeee"]
        try ledger.registerPending(ids.values.sorted().map { plannedRun($0) })
        for status in [RunStatus.completed, .failed, .interrupted] {
            XCTAssertEqual(try ledger.claim(id: ids[status]!, by: .current), .claimed)
        }
        XCTAssertEqual(try ledger.claim(id: ids[.running]!, by: otherHost), .claimed)
        try ledger.complete(outcome(ids[.completed]!), by: .current)
        try ledger.fail(id: ids[.failed]!, by: .current, error: "singular covariance", finishedAt: "t2", durationS: 0.5)
        XCTAssertEqual(try ledger.release(by: .current), 1)
        return (ledger, ids)
    }

    func testRegistrationNeverChangesARecordedRun() throws {
        let (ledger, ids) = try ledgerWithOneRunPerStatus()
        let before = try ids.values.sorted().map { try XCTUnwrap(ledger.run(id: $0)) }
        // Today's registration used to turn the other process's `running` row back into `pending`.
        try ledger.registerPending(ids.values.sorted().map { plannedRun($0) } + [plannedRun("ffffffffffff")])
        XCTAssertEqual(try ids.values.sorted().map { try XCTUnwrap(ledger.run(id: $0)) }, before)
        XCTAssertEqual(try ledger.statuses(of: ids.values.sorted() + ["ffffffffffff"]), [
            ids[.completed]!: .completed, ids[.failed]!: .failed, ids[.interrupted]!: .interrupted,
            ids[.running]!: .running, ids[.pending]!: .pending, "ffffffffffff": .pending,
        ])
    }

    func testOnlyPendingFailedAndInterruptedRunsCanBeClaimed() throws {
        let (ledger, ids) = try ledgerWithOneRunPerStatus()
        let me = RunOwner.current
        XCTAssertEqual(try ledger.claim(id: ids[.completed]!, by: me), .completed)
        XCTAssertEqual(try ledger.claim(id: ids[.running]!, by: me), .runningElsewhere(otherHost))
        XCTAssertEqual(try ledger.claim(id: ids[.running]!, by: me, force: true), .runningElsewhere(otherHost),
                       "--force must never take a live process's run")
        for status in [RunStatus.failed, .interrupted, .pending] {
            XCTAssertEqual(try ledger.claim(id: ids[status]!, by: me), .claimed, "\(status)")
            XCTAssertEqual(try ledger.claim(id: ids[status]!, by: me), .runningElsewhere(me), "claimed twice: \(status)")
        }
        XCTAssertEqual(try ledger.claim(id: ids[.completed]!, by: me, force: true), .claimed)
        XCTAssertThrowsError(try ledger.claim(id: "nosuchrun000", by: me)) { error in
            XCTAssertEqual(error as? LedgerError, .unknownRun(id: "nosuchrun000"))
        }
    }

    func testAClaimRecordsItsOwnerHeartbeatDataAndCodeVersion() throws {
        let ledger = try makeLedger()
        try ledger.registerPending([plannedRun("aaaaaaaaaaaa")])
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        XCTAssertEqual(try ledger.claim(id: "aaaaaaaaaaaa", by: .current, datasetSHA256: "d" + String(repeating: "0", count: 63),
                                        codeVersion: "seglab test", now: t0), .claimed)
        try ledger.fail(id: "aaaaaaaaaaaa", by: .current, error: "singular covariance", finishedAt: "t1", durationS: 1)
        let failed = try XCTUnwrap(ledger.run(id: "aaaaaaaaaaaa")).run
        XCTAssertEqual(failed.datasetSHA256, "d" + String(repeating: "0", count: 63), "a failed run says what data it ran on")
        XCTAssertEqual(failed.codeVersion, "seglab test")
        let row = try DatabaseQueue(path: ledger.path).read { db in
            try XCTUnwrap(Row.fetchOne(db, sql: "SELECT owner_host, owner_pid, owner_start, heartbeat_at FROM runs"))
        }
        XCTAssertEqual(row["owner_host"] as String, RunOwner.current.host)
        XCTAssertEqual(row["owner_pid"] as Int32, getpid())
        XCTAssertEqual(row["owner_start"] as String?, RunOwner.current.processStart)
        XCTAssertNotNil(RunOwner.current.processStart, "Linux exposes the process start time")
        XCTAssertEqual(row["heartbeat_at"] as String, Timestamp.string(t0))
    }

    func testARunningRowIsTakenOverOnlyWhenItsOwnerIsGoneOrSilent() throws {
        let ledger = try makeLedger()
        let ids = ["aaaaaaaaaaaa", "bbbbbbbbbbbb", "cccccccccccc", "dddddddddddd"]
        try ledger.registerPending(ids.map { plannedRun($0) })
        let here = RunOwner.current
        let gone = RunOwner(host: here.host, pid: Int32.max, processStart: here.processStart)  // no such pid
        let reused = RunOwner(host: here.host, pid: here.pid, processStart: here.processStart! + "0")  // our pid, earlier process
        let rebooted = RunOwner(host: here.host, pid: here.pid, processStart: "another-boot:1")
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        for (id, owner) in zip(ids, [gone, reused, rebooted, otherHost]) {
            XCTAssertEqual(try ledger.claim(id: id, by: owner, now: t0), .claimed)
        }
        XCTAssertEqual(try ledger.claim(id: ids[0], by: here, now: t0), .reclaimed(from: gone, because: "\(gone) is gone"))
        XCTAssertEqual(try ledger.claim(id: ids[1], by: here, now: t0), .reclaimed(from: reused, because: "\(reused) is gone"))
        XCTAssertEqual(try ledger.claim(id: ids[2], by: here, now: t0), .reclaimed(from: rebooted, because: "\(rebooted) is gone"))
        // Another host: alive while it reports, taken over once silent for longer than staleAfter.
        XCTAssertEqual(try ledger.claim(id: ids[3], by: here, staleAfter: 60, now: t0 + 59), .runningElsewhere(otherHost))
        XCTAssertEqual(try ledger.heartbeat(by: otherHost, now: t0 + 50), 1)
        XCTAssertEqual(try ledger.claim(id: ids[3], by: here, staleAfter: 60, now: t0 + 100), .runningElsewhere(otherHost))
        XCTAssertEqual(try ledger.claim(id: ids[3], by: here, staleAfter: 60, now: t0 + 111),
                       .reclaimed(from: otherHost, because: "\(otherHost) has not reported for 61 s"))
        let events = try DatabaseQueue(path: ledger.path).read { db in
            try String.fetchAll(db, sql: "SELECT event FROM run_events WHERE run_id = ? ORDER BY rowid", arguments: [ids[3]])
        }
        XCTAssertEqual(events, ["claimed", "reclaimed"])
    }

    func testOnlyTheOwnerCanFinishARunAndALostClaimWritesNothing() throws {
        let ledger = try makeLedger()
        try ledger.registerPending([plannedRun("aaaaaaaaaaaa")])
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        XCTAssertEqual(try ledger.claim(id: "aaaaaaaaaaaa", by: otherHost, now: t0), .claimed)
        // This process finds the other host silent and takes the run over; the other host wakes up.
        XCTAssertEqual(try ledger.claim(id: "aaaaaaaaaaaa", by: .current, now: t0 + 3600),
                       .reclaimed(from: otherHost, because: "\(otherHost) has not reported for 3600 s"))
        XCTAssertThrowsError(try ledger.complete(outcome("aaaaaaaaaaaa"), by: otherHost)) { error in
            XCTAssertEqual(error as? LedgerError, .claimLost(id: "aaaaaaaaaaaa"))
        }
        XCTAssertThrowsError(try ledger.fail(id: "aaaaaaaaaaaa", by: otherHost, error: "x", finishedAt: "t", durationS: 1)) { error in
            XCTAssertEqual(error as? LedgerError, .claimLost(id: "aaaaaaaaaaaa"))
        }
        XCTAssertEqual(try ledger.release(by: otherHost), 0)
        XCTAssertEqual(try ledger.heartbeat(by: otherHost), 0)
        let details = try XCTUnwrap(ledger.run(id: "aaaaaaaaaaaa"))
        XCTAssertEqual(details.run.status, .running)
        XCTAssertEqual(details.metrics, [])
        try ledger.complete(outcome("aaaaaaaaaaaa"), by: .current)
        XCTAssertEqual(try ledger.statuses(of: ["aaaaaaaaaaaa"]), ["aaaaaaaaaaaa": .completed])
    }

    func testReleaseOnlyTouchesTheOwnersRunningRows() throws {
        let (ledger, ids) = try ledgerWithOneRunPerStatus()
        XCTAssertEqual(try ledger.claim(id: ids[.pending]!, by: .current), .claimed)
        XCTAssertEqual(try ledger.release(by: .current, ids: ["nosuchrun000"]), 0)
        XCTAssertEqual(try ledger.release(by: .current), 1)
        XCTAssertEqual(try ledger.statuses(of: ids.values.sorted()), [
            ids[.completed]!: .completed, ids[.failed]!: .failed, ids[.interrupted]!: .interrupted,
            ids[.running]!: .running, ids[.pending]!: .interrupted,
        ])
    }

    func testFailRecordsTheReasonAndForcedRerunClearsOldResults() throws {
        let ledger = try makeLedger()
        let id = "aaaaaaaaaaaa"
        try completeRuns(ledger, [(plannedRun(id), ["silhouette": 0.5, "inertia": 12])])
        let t3 = Date(timeIntervalSince1970: 1_800_000_003)
        XCTAssertEqual(try ledger.claim(id: id, by: .current, force: true, now: t3), .claimed)  // --force
        let running = try XCTUnwrap(ledger.run(id: id))
        XCTAssertEqual(running.run.status, .running)
        XCTAssertEqual(running.run.startedAt, Timestamp.string(t3))
        XCTAssertTrue(running.metrics.isEmpty && running.clusters.isEmpty && running.artifacts.isEmpty)

        try ledger.fail(id: id, by: .current, error: "singular covariance", finishedAt: "t4", durationS: 0.25)
        let failed = try XCTUnwrap(ledger.run(id: id)).run
        XCTAssertEqual(failed.status, .failed)
        XCTAssertEqual(failed.error, "singular covariance")
        XCTAssertEqual(failed.durationS, 0.25)
    }

    func testUnknownRunsAreNamed() throws {
        let ledger = try makeLedger()
        XCTAssertThrowsError(try ledger.claim(id: "nosuchrun000", by: .current)) { error in
            XCTAssertEqual(error as? LedgerError, .unknownRun(id: "nosuchrun000"))
        }
        XCTAssertThrowsError(try ledger.complete(outcome("nosuchrun000"), by: .current)) { error in
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
