import Foundation
import GRDB
import SeglabLedger
import XCTest

final class LedgerSchemaTests: XCTestCase {
    func testMigrationCreatesTheSpecTablesAndColumns() throws {
        let path = try makeLedgerPath()
        _ = try Ledger(path: path)
        let expected: [String: [String]] = [
            "experiments": ["name", "spec_json", "created_at"],
            "experiment_runs": ["experiment", "run_id"],
            "runs": ["id", "key", "experiment", "feature_set", "algorithm", "params_json", "seed", "replicate",
                     "status", "error", "started_at", "finished_at", "duration_s", "dataset_sha256",
                     "code_version", "config_json", "results_dir", "owner_host", "owner_pid", "owner_start", "heartbeat_at"],
            "run_events": ["run_id", "at", "event", "host", "pid", "detail"],
            "metrics": ["run_id", "name", "value"],
            "clusters": ["run_id", "cluster", "size"],
            "artifacts": ["run_id", "name", "path", "sha256", "bytes"],
            "experiment_artifacts": ["experiment", "name", "path", "sha256", "bytes"],
        ]
        let queue = try DatabaseQueue(path: path)
        try queue.read { db in
            let tables = try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                AND name <> 'grdb_migrations' ORDER BY name
                """)
            XCTAssertEqual(tables, expected.keys.sorted())
            for (table, columns) in expected {
                let info = try Row.fetchAll(db, sql: "PRAGMA table_info(\(table))")
                XCTAssertEqual(info.map { $0["name"] as String }, columns, table)
            }
            let primaryKey = { (table: String) in
                try Row.fetchAll(db, sql: "PRAGMA table_info(\(table))")
                    .filter { ($0["pk"] as Int) > 0 }.sorted { ($0["pk"] as Int) < ($1["pk"] as Int) }
                    .map { $0["name"] as String }
            }
            XCTAssertEqual(try primaryKey("experiment_runs"), ["experiment", "run_id"])
            XCTAssertEqual(try primaryKey("metrics"), ["run_id", "name"])
            XCTAssertEqual(try primaryKey("clusters"), ["run_id", "cluster"])
            XCTAssertEqual(try primaryKey("artifacts"), ["run_id", "name"])
            XCTAssertEqual(try String.fetchOne(db, sql: "PRAGMA journal_mode"), "wal")
            XCTAssertEqual(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"), ["v1", "v2"])
            let indexes = try String.fetchAll(db, sql: "SELECT name FROM pragma_index_list('metrics')")
            XCTAssertTrue(indexes.contains("metrics_by_name"))
        }
    }

    func testStatusIsCheckedBySQLite() throws {
        let path = try makeLedgerPath()
        _ = try Ledger(path: path)
        let queue = try DatabaseQueue(path: path)
        XCTAssertThrowsError(try queue.write { db in
            try db.execute(sql: "INSERT INTO experiments VALUES ('e', '{}', 't')")
            try db.execute(sql: """
                INSERT INTO runs (id, key, experiment, feature_set, algorithm, params_json, seed, replicate, status, config_json)
                VALUES ('a', 'a', 'e', 'f', 'kmeans', '{}', 1, 0, 'done', '{}')
                """)
        })
    }

    func testReopeningIsANoOpMigrationAndKeepsData() throws {
        let path = try makeLedgerPath()
        let first = try Ledger(path: path)
        try first.upsertExperiment(name: "exp", specJSON: "{}", createdAt: "t0")
        try first.registerPending([plannedRun("aaaaaaaaaaaa")])
        let schemaBefore = try DatabaseQueue(path: path).read { db in
            try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
        }
        let second = try Ledger(path: path)
        XCTAssertEqual(try second.statuses(of: ["aaaaaaaaaaaa"]), ["aaaaaaaaaaaa": .pending])
        try DatabaseQueue(path: path).read { db in
            XCTAssertEqual(try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name"),
                           schemaBefore)
            XCTAssertEqual(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"), ["v1", "v2"])
        }
    }

    func testCreatingTheFileCreatesItsFolder() throws {
        let path = try makeLedgerPath("results/nested/ledger.sqlite")
        _ = try Ledger(path: path)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))
    }

    func testForeignKeysAreEnforced() throws {
        let ledger = try makeLedger()
        XCTAssertThrowsError(try ledger.registerPending([plannedRun("bbbbbbbbbbbb", experiment: "nope")])) { error in
            XCTAssertEqual(error as? LedgerError, .unknownExperiment(name: "nope"))
        }
        XCTAssertThrowsError(try DatabaseQueue(path: ledger.path).write { db in
            try db.execute(sql: "INSERT INTO metrics (run_id, name, value) VALUES ('nosuchrun', 'x', 1)")
        })
    }

    func testAGarbageFileIsNotALedger() throws {
        let path = try makeLedgerPath()
        try Data(String(repeating: "this is not sqlite\n", count: 200).utf8).write(to: URL(fileURLWithPath: path))
        for open in [{ try Ledger(path: path) }, { try Ledger(readOnlyPath: path) }] {
            XCTAssertThrowsError(try open()) { error in
                guard case .notALedger(let errorPath, _)? = error as? LedgerError else {
                    return XCTFail("unexpected \(error)")
                }
                XCTAssertEqual(errorPath, path)
                XCTAssertTrue("\(error)".contains(path))
            }
        }
    }

    func testAnotherApplicationsDatabaseIsRefusedAndLeftAlone() throws {
        let path = try makeLedgerPath()
        try DatabaseQueue(path: path).write { db in try db.execute(sql: "CREATE TABLE notes (body TEXT)") }
        XCTAssertThrowsError(try Ledger(path: path)) { error in
            guard case .notALedger? = error as? LedgerError else { return XCTFail("unexpected \(error)") }
        }
        let tables = try DatabaseQueue(path: path).read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        XCTAssertEqual(tables, ["notes"])
    }

    func testALedgerFromANewerSeglabIsRefused() throws {
        let path = try makeLedgerPath()
        _ = try Ledger(path: path)
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99')")
        }
        XCTAssertThrowsError(try Ledger(path: path)) { error in
            XCTAssertEqual(error as? LedgerError, .newerSchema(path: path, unknownMigrations: ["v99"]))
        }
    }

    func testReadOnlyOpenNeedsAnExistingLedger() throws {
        let path = try makeLedgerPath()
        XCTAssertThrowsError(try Ledger(readOnlyPath: path)) { error in
            XCTAssertEqual(error as? LedgerError, .notFound(path: path))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data()))
        XCTAssertThrowsError(try Ledger(readOnlyPath: path)) { error in
            XCTAssertEqual(error as? LedgerError, .notALedger(path: path, reason: "the file is empty"))
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)).count, 0, "a read-only open changed the file")
    }

    func testReadOnlyLedgerQueriesButDoesNotWrite() throws {
        let writer = try makeLedger()
        try completeRuns(writer, [(plannedRun("cccccccccccc"), ["silhouette": 0.25])])
        try writer.registerPending([plannedRun("dddddddddddd")])
        XCTAssertEqual(try writer.claim(id: "dddddddddddd", by: .current), .claimed)
        let reader = try Ledger(readOnlyPath: writer.path)
        XCTAssertEqual(try reader.run(id: "cccccccccccc")?.run.status, .completed)
        XCTAssertThrowsError(try reader.release(by: .current)) { error in
            guard case .storage? = error as? LedgerError else { return XCTFail("unexpected \(error)") }
        }
    }
}
