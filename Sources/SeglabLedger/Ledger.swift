import Foundation
import GRDB

/// The SQLite ledger of experiments and runs (SPEC §4): the single source of truth for resume,
/// leaderboard, show and rerun.
///
/// ```swift
/// let ledger = try Ledger(path: "results/ledger.sqlite")
/// try ledger.register(experiment: experiment, runs: plannedRuns)
/// try ledger.markRunning(id: run.id, startedAt: now)
/// try ledger.complete(outcome)
/// ```
///
/// ## Concurrency contract
/// - One `Ledger` wraps a GRDB `DatabasePool` in WAL mode: reads run concurrently with each other
///   and with the single writer; writes are serialised, each in one `IMMEDIATE` transaction, so
///   every public write is atomic (all of it or none of it).
/// - Several `Ledger`s on one file — several `seglab` processes — are safe: a writer that finds the
///   file locked waits up to the busy timeout (30 s by default) before failing with `SQLITE_BUSY`.
/// - A `Ledger` is `Sendable`: share one per process across the scheduler's workers.
///
/// ## Invariants
/// - Metrics, clusters and artifacts rows exist only for `completed` runs: `markRunning`, `fail`
///   and `complete` clear the previous results of the run they touch.
/// - `registerPending` never demotes a `completed` run; `markInterrupted` touches `running` rows only.
public final class Ledger: Sendable {
    /// The database file.
    public let path: String
    let dbPool: DatabasePool

    /// Opens the ledger at `path` for writing, creating the file (and its folder) and migrating
    /// its schema as needed. A write that finds the file locked by another process waits up to
    /// `busyTimeout` seconds.
    public init(path: String, busyTimeout: TimeInterval = 30) throws {
        self.path = path
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw LedgerError.cannotOpen(path: path, reason: "cannot create folder \(folder.path): \(error.localizedDescription)")
        }
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        config.foreignKeysEnabled = true
        dbPool = try Self.opening(path) {
            let pool = try DatabasePool(path: path, configuration: config)
            // Checked before migrating, so another application's database is never altered.
            try pool.read { db in try Self.verifyIdentity(db, path: path, allowEmpty: true) }
            try LedgerSchema.migrator.migrate(pool)
            return pool
        }
    }

    /// Opens an existing ledger for queries only; fails if the file does not exist, is not a
    /// ledger, or needs a migration.
    public init(readOnlyPath path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw LedgerError.notFound(path: path) }
        self.path = path
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(30)
        dbPool = try Self.opening(path) {
            let pool = try DatabasePool(path: path, configuration: config)
            try pool.read { db in
                try Self.verifyIdentity(db, path: path, allowEmpty: false)
                let pending = try Set(LedgerSchema.migrator.migrations)
                    .subtracting(LedgerSchema.migrator.appliedIdentifiers(db))
                guard pending.isEmpty else {
                    throw LedgerError.needsUpgrade(path: path, pendingMigrations: pending.sorted())
                }
            }
            return pool
        }
    }

    /// Runs `open`, turning SQLite's errors into `LedgerError`s that name the file.
    private static func opening(_ path: String, _ open: () throws -> DatabasePool) throws -> DatabasePool {
        do {
            return try open()
        } catch let error as DatabaseError
                    where error.resultCode == .SQLITE_NOTADB || error.resultCode == .SQLITE_CORRUPT {
            throw LedgerError.notALedger(path: path, reason: error.message ?? "not an SQLite database")
        } catch let error as DatabaseError {
            throw LedgerError.cannotOpen(path: path, reason: error.message ?? "\(error)")
        }
    }

    /// Refuses SQLite files that are not seglab ledgers, and ledgers from a newer seglab.
    private static func verifyIdentity(_ db: Database, path: String, allowEmpty: Bool) throws {
        let tableCount = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table'") ?? 0
        if tableCount == 0 {
            if allowEmpty { return }
            throw LedgerError.notALedger(path: path, reason: "the database is empty")
        }
        let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        guard applicationID == LedgerSchema.applicationID else {
            throw LedgerError.notALedger(path: path, reason: "an SQLite database of another application")
        }
        if try LedgerSchema.migrator.hasBeenSuperseded(db) {
            let unknown = try LedgerSchema.migrator.appliedIdentifiers(db)
                .subtracting(LedgerSchema.migrator.migrations)
            throw LedgerError.newerSchema(path: path, unknownMigrations: unknown.sorted())
        }
    }
}
