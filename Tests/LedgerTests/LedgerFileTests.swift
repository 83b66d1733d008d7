import Dispatch
import Foundation
import GRDB
@testable import SeglabLedger
import XCTest

/// The ledger file itself: creation by several connections at once, upgrade from schema v1,
/// read-only opens that change nothing, and the checkpoint that makes the file whole.
final class LedgerFileTests: XCTestCase {
    func testManyConnectionsCreatingOneLedgerAtOnceAllSucceed() throws {
        for trial in 0 ..< 10 {
            let path = try makeLedgerPath("trial\(trial).sqlite")
            let errors = ErrorBox()
            DispatchQueue.concurrentPerform(iterations: 6) { _ in
                do { _ = try Ledger(path: path) } catch { errors.append(error) }
            }
            XCTAssertEqual(errors.all.map { "\($0)" }, [], "trial \(trial)")
            let applied = try DatabaseQueue(path: path).read { db in
                try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
            }
            XCTAssertEqual(applied, ["v1", "v2"])
        }
    }

    /// A ledger written by the first seglab (schema v1), with a run its crashed runner left `running`.
    private func v1Ledger() throws -> String {
        let path = try makeLedgerPath()
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: LedgerSchema.migrations[0].sql)
            try db.execute(sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY); INSERT INTO grdb_migrations VALUES ('v1')")
            try db.execute(sql: "INSERT INTO experiments VALUES ('exp', '{}', 't0')")
            try db.execute(sql: """
                INSERT INTO runs (id, key, experiment, feature_set, algorithm, params_json, seed, replicate, status, config_json)
                VALUES ('aaaaaaaaaaaa', ?, 'exp', 'rfm', 'kmeans', '{"k":3}', 7, 0, 'running', '{}')
                """, arguments: [plannedRun("aaaaaaaaaaaa").key])
        }
        return path
    }

    func testAV1LedgerIsReadAsItIsAndUpgradedByTheFirstWriter() throws {
        let path = try v1Ledger()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let reader = try Ledger(readOnlyPath: path)
        XCTAssertEqual(try reader.runningRuns(), [RunningRun(id: "aaaaaaaaaaaa", owner: nil, heartbeatAt: nil)])
        XCTAssertEqual(try reader.run(id: "aaaaaaaaaaaa")?.run.status, .running)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), bytes, "a read-only open migrated the file")

        let writer = try Ledger(path: path)
        XCTAssertEqual(try writer.claim(id: "aaaaaaaaaaaa", by: .current),
                       .reclaimed(from: nil, because: "no owner recorded (left by an older seglab)"))
        let applied = try DatabaseQueue(path: path).read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
        XCTAssertEqual(applied, ["v1", "v2"])
    }

    func testAReadOnlyOpenChangesNoByteOfTheLedger() throws {
        let writer = try makeLedger()
        try completeRuns(writer, [(plannedRun("aaaaaaaaaaaa"), ["silhouette": 0.5])])
        writer.checkpoint()
        let before = try Data(contentsOf: URL(fileURLWithPath: writer.path))
        let reader = try Ledger(readOnlyPath: writer.path)
        XCTAssertEqual(try reader.leaderboard(LeaderboardQuery()).map(\.runID), ["aaaaaaaaaaaa"])
        XCTAssertEqual(try reader.integrityProblems(), [])
        reader.checkpoint()  // does nothing on a read-only ledger
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: writer.path)), before)
    }

    func testACheckpointPutsEverythingInTheFileItself() throws {
        let ledger = try makeLedger()
        try completeRuns(ledger, [(plannedRun("aaaaaaaaaaaa"), ["silhouette": 0.5])])
        let wal = ledger.path + "-wal"
        XCTAssertGreaterThan(try FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int ?? 0, 0)
        ledger.checkpoint()
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int, 0)
        // The file alone, copied while the ledger is still open, is the whole ledger.
        let copy = try makeLedgerPath("copy.sqlite")
        try FileManager.default.copyItem(atPath: ledger.path, toPath: copy)
        XCTAssertEqual(try Ledger(readOnlyPath: copy).run(id: "aaaaaaaaaaaa")?.run.status, .completed)
    }

    func testAnOtherApplicationsRollbackJournalDatabaseIsNotSwitchedToWAL() throws {
        let path = try makeLedgerPath()
        try DatabaseQueue(path: path).write { db in try db.execute(sql: "CREATE TABLE notes (body TEXT)") }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try Ledger(path: path))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before)
    }
}

private final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [Error] = []
    func append(_ e: Error) { lock.lock(); errors.append(e); lock.unlock() }
    var all: [Error] { lock.lock(); defer { lock.unlock() }; return errors }
}
