import Foundation
import GRDB
import SeglabLedger
import XCTest

/// Run ids are abbreviations of keys: they must never let one key take over another key's row.
final class RunIDTests: XCTestCase {
    private func run(key: String) -> RunRecord {
        var r = plannedRun(String(key.prefix(12)))
        r.key = key
        return r
    }

    private let holder = "abcdef012345" + String(repeating: "1", count: 52)
    private let newcomer = "abcdef012345" + String(repeating: "2", count: 52)

    func testAForcedCollisionGetsALongerIdAndNeverTouchesTheOtherKeysRow() throws {
        let ledger = try makeLedger()
        // The other key holds the 12-digit prefix, inserted by hand as another program might.
        try DatabaseQueue(path: ledger.path).write { db in
            try db.execute(sql: """
                INSERT INTO runs (id, key, experiment, feature_set, algorithm, params_json, seed, replicate, status, config_json)
                VALUES ('abcdef012345', ?, 'exp', 'rfm', 'kmeans', '{"k":3}', 7, 0, 'pending', '{}')
                """, arguments: [holder])
        }
        XCTAssertEqual(try ledger.claim(id: "abcdef012345", by: .current), .claimed)
        try ledger.complete(outcome("abcdef012345", metrics: ["silhouette": 0.9]), by: .current)
        let before = try XCTUnwrap(ledger.run(id: "abcdef012345"))

        XCTAssertEqual(try ledger.ids(forKeys: [newcomer]), [newcomer: "abcdef0123452"], "plan shows the id it will get")
        let ids = try ledger.register(experiment: ExperimentRecord(name: "exp", specJSON: "{}", createdAt: "t"), runs: [run(key: newcomer)])
        XCTAssertEqual(ids, [newcomer: "abcdef0123452"])
        XCTAssertEqual(try ledger.run(id: "abcdef012345"), before, "the other key's row and results are untouched")
        XCTAssertEqual(try ledger.run(id: "abcdef0123452")?.run.key, newcomer)
        XCTAssertEqual(try ledger.run(id: "abcdef0123452")?.run.status, .pending)
        XCTAssertEqual(try ledger.runs(idPrefix: "abcdef012345").map(\.id), ["abcdef012345", "abcdef0123452"])
    }

    func testAnIdOnceRecordedIsKeptForItsKey() throws {
        let ledger = try makeLedger()
        try ledger.registerPending([run(key: holder)])
        XCTAssertEqual(try ledger.registerPending([run(key: newcomer)]), [newcomer: "abcdef0123452"])
        // Even after the row holding the short id is gone, the key keeps the id first recorded.
        try DatabaseQueue(path: ledger.path).write { db in try db.execute(sql: "DELETE FROM runs WHERE key = ?", arguments: [holder]) }
        XCTAssertEqual(try ledger.registerPending([run(key: newcomer)]), [newcomer: "abcdef0123452"])
        XCTAssertEqual(try ledger.ids(forKeys: [newcomer, holder]), [newcomer: "abcdef0123452", holder: "abcdef012345"])
    }

    func testKeysSharingLongPrefixesInOneBatchGetDistinctIds() throws {
        let ledger = try makeLedger()
        let keys = ["0123456789abc" + String(repeating: "0", count: 51), "0123456789abc" + String(repeating: "1", count: 51),
                    "0123456789ab" + String(repeating: "f", count: 52)]
        let ids = try ledger.registerPending(keys.map { run(key: $0) })
        XCTAssertEqual(keys.map { ids[$0]! }, ["0123456789ab", "0123456789abc", "0123456789abf"])
        XCTAssertEqual(try ledger.statuses(of: keys.map { ids[$0]! }).count, 3)
    }

    func testTheExperimentListsTheRunsItsFileNowDeclares() throws {
        let ledger = try makeLedger()
        let experiment = ExperimentRecord(name: "exp", specJSON: "{}", createdAt: "t")
        let (a, b, c) = (plannedRun("aaaaaaaaaaaa"), plannedRun("bbbbbbbbbbbb"), plannedRun("cccccccccccc"))
        try ledger.register(experiment: experiment, runs: [a, b])
        for run in [a, b] {
            XCTAssertEqual(try ledger.claim(id: run.id, by: .current), .claimed)
            try ledger.complete(outcome(run.id), by: .current)
        }
        // The grid is edited: a is no longer declared, c is new.
        try ledger.register(experiment: experiment, runs: [b, c])
        XCTAssertEqual(try ledger.experiment(named: "exp")?.runIDs, [b.id, c.id])
        XCTAssertEqual(try ledger.leaderboard(LeaderboardQuery(experiment: "exp")).map(\.runID), [b.id])
        XCTAssertEqual(try ledger.run(id: a.id)?.run.status, .completed, "an older run stays in the ledger")
        XCTAssertEqual(try ledger.run(id: a.id)?.experiments, [])
    }
}
