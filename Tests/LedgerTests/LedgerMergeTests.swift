import Foundation
import GRDB
import SeglabLedger
import XCTest

/// `MergePlan` and `Ledger.merge`: runs matched by key under the target's id rule, the better
/// status winning, refusals writing nothing, and the audit trail kept.
final class LedgerMergeTests: XCTestCase {
    private let experiment = ExperimentRecord(name: "exp", specJSON: #"{"name":"exp"}"#, createdAt: "2026-01-01T00:00:00Z")

    /// A ledger holding `runs` (each completed, failed or left as registered), under experiment `exp`.
    private func ledger(_ runs: [(RunRecord, RunStatus)]) throws -> Ledger {
        let ledger = try Ledger(path: try makeLedgerPath())
        try ledger.register(experiment: experiment, runs: runs.map(\.0))
        for (run, status) in runs where status != .pending {
            XCTAssertEqual(try ledger.claim(id: run.id, by: .current), .claimed)
            switch status {
            case .completed: try ledger.complete(outcome(run.id), by: .current)
            case .failed: try ledger.fail(id: run.id, by: .current, error: "singular", finishedAt: "2026-01-01T00:02:00Z", durationS: 1)
            case .interrupted: try ledger.release(by: .current, ids: [run.id])
            default: break  // left `running`
            }
        }
        return ledger
    }

    /// Plans against `target` as `seglab merge` does, and applies.
    private func merge(_ sources: [Ledger], into target: Ledger) throws -> MergePlan {
        let snapshots = try sources.map { try $0.snapshot() }
        let plan = MergePlan(sources: snapshots, target: try target.mergeTarget(for: snapshots))
        if !plan.conflicts.isEmpty { throw LedgerError.mergeRefused(plan.conflicts) }
        try target.merge(plan, from: snapshots, ids: try target.ids(forKeys: plan.runs.map(\.key)))
        return plan
    }

    func testAKeyWhoseIdIsTakenInTheTargetGetsTheTargetsLongerIdWithItsResults() throws {
        let holder = "abcdef012345" + String(repeating: "1", count: 52)
        let newcomer = "abcdef012345" + String(repeating: "2", count: 52)
        var held = plannedRun("abcdef012345"); held.key = holder
        var shard = plannedRun("abcdef012345"); shard.key = newcomer
        let target = try ledger([(held, .completed)])
        let source = try ledger([(shard, .completed), (plannedRun("b10000000000"), .failed)])
        let before = try target.run(id: "abcdef012345")

        try merge([source], into: target)
        XCTAssertEqual(try target.run(id: "abcdef012345"), before, "the other key's row is untouched")
        let moved = try XCTUnwrap(target.run(id: "abcdef0123452"))
        XCTAssertEqual(moved.run.key, newcomer)
        XCTAssertEqual(moved.run.status, .completed)
        XCTAssertEqual(moved.metrics, try source.run(id: "abcdef012345")!.metrics)
        XCTAssertEqual(moved.artifacts.map(\.sha256), try source.run(id: "abcdef012345")!.artifacts.map(\.sha256))
        XCTAssertEqual(moved.experiments, ["exp"])
        XCTAssertEqual(try target.run(id: "b10000000000")?.run.status, .failed)
        XCTAssertEqual(try target.run(id: "b10000000000")?.run.error, "singular")
        XCTAssertEqual(try target.experiment(named: "exp")?.runIDs, ["abcdef012345", "abcdef0123452", "b10000000000"])
        let events = try DatabaseQueue(path: target.path).read { db in
            try String.fetchAll(db, sql: "SELECT event FROM run_events WHERE run_id = 'abcdef0123452' ORDER BY rowid")
        }
        XCTAssertEqual(events, ["claimed", "completed"], "the source's audit trail comes along, under the target's id")
    }

    func testACompletedCopyBeatsAFailedOrInterruptedOneAndNeverTheReverse() throws {
        let runs = ["c10000000000", "c20000000000", "c30000000000", "c40000000000"].map { plannedRun($0) }
        let target = try ledger([(runs[0], .failed), (runs[1], .completed), (runs[2], .interrupted), (runs[3], .pending)])
        let first = try ledger([(runs[0], .completed), (runs[1], .failed), (runs[2], .failed), (runs[3], .running)])
        let second = try ledger([(runs[2], .completed), (runs[3], .failed)])
        let plan = try merge([first, second], into: target)
        XCTAssertEqual(plan.runs.map(\.decision), [.replace(targetID: "c10000000000"), .skip("already completed in the target"),
                                                   .replace(targetID: "c30000000000"), .replace(targetID: "c40000000000")])
        XCTAssertEqual(plan.runs.map(\.source), [0, 0, 1, 1], "the better copy wins, whichever source has it")
        let statuses = try target.statuses(of: runs.map(\.id))
        XCTAssertEqual(statuses, ["c10000000000": .completed, "c20000000000": .completed, "c30000000000": .completed, "c40000000000": .failed])
        XCTAssertEqual(try target.run(id: "c10000000000")?.metrics, try first.run(id: "c10000000000")?.metrics)
        XCTAssertEqual(try target.runningRuns(), [])
    }

    func testASourceRunStillRunningComesInInterruptedWithAnEventSayingSo() throws {
        let source = try ledger([(plannedRun("r10000000000"), .running)])
        let target = try Ledger(path: try makeLedgerPath())
        try merge([source], into: target)
        XCTAssertEqual(try target.statuses(of: ["r10000000000"]), ["r10000000000": .interrupted])
        let last = try DatabaseQueue(path: target.path).read { db in
            try Row.fetchOne(db, sql: "SELECT event, detail FROM run_events WHERE run_id = 'r10000000000' ORDER BY rowid DESC")
        }
        XCTAssertEqual(last?["event"], "interrupted")
        XCTAssertTrue((last?["detail"] as String?)?.contains("cut short") == true)
        // The target's next run claims it like any interrupted run.
        XCTAssertEqual(try target.claim(id: "r10000000000", by: .current), .claimed)
    }

    func testDisagreeingCopiesAreRefusedAndNothingIsWritten() throws {
        let run = plannedRun("d10000000000")
        let target = try ledger([(plannedRun("t10000000000"), .completed)])
        let source = try ledger([(run, .completed), (plannedRun("d20000000000"), .completed)])
        try DatabaseQueue(path: source.path).write { db in
            try db.execute(sql: "UPDATE artifacts SET sha256 = ? WHERE run_id = 'd10000000000' AND name = 'model.json'",
                           arguments: [String(repeating: "f", count: 64)])
        }
        let agreeing = try ledger([(run, .completed)])
        let before = try target.snapshot()
        XCTAssertThrowsError(try merge([agreeing, source], into: target)) { error in
            guard case LedgerError.mergeRefused(let reasons) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(reasons.count, 1)
            XCTAssertTrue(reasons[0].hasPrefix("run d10000000000 (key d100000000000000…)"), reasons[0])
            XCTAssertTrue(reasons[0].contains("model.json: bbbbbbbbbbbb… in \(agreeing.path), ffffffffffff… in \(source.path)"), reasons[0])
        }
        XCTAssertEqual(try target.snapshot().runs, before.runs)

        // A plan made before another process changed the target is not applied.
        let snapshots = try [agreeing.snapshot()]
        let plan = MergePlan(sources: snapshots, target: try target.mergeTarget(for: snapshots))
        let ids = try target.ids(forKeys: plan.runs.map(\.key))
        try completeRuns(target, [(run, ["silhouette": 0.1])])
        XCTAssertThrowsError(try target.merge(plan, from: snapshots, ids: ids)) { error in
            guard case LedgerError.changedDuringMerge = error else { return XCTFail("\(error)") }
        }
    }

    func testAnExperimentsListGrowsWithItsShardsAndIsReplacedWhenItsFileChanged() throws {
        let target = try ledger([(plannedRun("o10000000000"), .completed)])
        let first = try ledger([(plannedRun("a10000000000"), .completed)])
        let second = try ledger([(plannedRun("a20000000000"), .completed)])
        for source in [first, second] {
            try source.upsertExperiment(name: "exp", specJSON: #"{"name":"exp","edited":true}"#, createdAt: "2026-02-01T00:00:00Z")
        }
        // The shards ran an edited file: the experiment lists what they ran, not the old run.
        let plan = try merge([first], into: target)
        XCTAssertEqual(plan.experiments.map(\.action), [.replaceSpec])
        XCTAssertEqual(try target.experiment(named: "exp")?.runIDs, ["a10000000000"])
        XCTAssertEqual(try target.experiment(named: "exp")?.experiment.createdAt, "2026-01-01T00:00:00Z", "kept")
        let next = try merge([second], into: target)
        XCTAssertEqual(next.experiments.map(\.action), [.keep])
        XCTAssertEqual(try target.experiment(named: "exp")?.runIDs, ["a10000000000", "a20000000000"])
        XCTAssertEqual(try target.statuses(of: ["o10000000000"]), ["o10000000000": .completed], "the old run stays, unlisted")
        let snapshots = try [first.snapshot(), second.snapshot()]
        XCTAssertTrue(MergePlan(sources: snapshots, target: try target.mergeTarget(for: snapshots)).changesNothing)
    }
}
