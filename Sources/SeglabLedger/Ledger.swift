import Foundation
import GRDB

/// The SQLite ledger of experiments and runs (SPEC §4): the single source of truth for resume,
/// leaderboard, show and rerun.
///
/// ```swift
/// let ledger = try Ledger(path: "results/ledger.sqlite")
/// let ids = try ledger.register(experiment: experiment, runs: plannedRuns)   // key -> id
/// if case .claimed = try ledger.claim(id: ids[run.key]!, by: .current) {
///     …                                                                     // compute, write artifacts
///     try ledger.complete(outcome, by: .current)
/// }
/// ledger.checkpoint()                                                       // when the command ends
/// ```
///
/// ## Concurrency contract
/// Any number of `seglab` processes may share one ledger, running the same or different
/// experiments; each run is executed by one of them and recorded once.
/// - **Transactions.** Every public write is one short `IMMEDIATE` transaction (all of it or
///   none of it). A write that finds the file locked waits up to the busy timeout (30 s by
///   default), then is retried a few times with a growing, jittered pause; only then does it
///   fail, with `LedgerError.storage`. Reads run concurrently with each other and with the writer
///   (WAL mode). One `Ledger` is `Sendable`: share one per process.
/// - **Registration** (`register`) inserts new runs as `pending` and never changes a run that is
///   already recorded, whatever its status: it cannot undo another process's claim.
/// - **Claims.** A run is executed only by the process that claimed it with `claim`, a
///   compare-and-set in one transaction: `pending`, `failed` and `interrupted` rows (and
///   `completed` ones with `force`) become `running` with this process as owner (host, pid,
///   process start) and a heartbeat; the changed-row count says whether it won. A `running` row
///   is taken over only when its owner is gone (same host: the pid is absent or belongs to a
///   later process; or the machine restarted) or silent (no heartbeat for `staleAfter`
///   seconds); `--force` never takes a live process's run.
/// - **Heartbeats.** While it runs, a process refreshes `heartbeat_at` of all its `running` rows
///   every `heartbeatInterval` seconds (`heartbeat(by:)`, from a thread of its own).
/// - **Owner-only transitions.** `complete`, `fail` and `release` change a row only while it is
///   `running` and owned by the caller; a process whose run was taken over gets
///   `LedgerError.claimLost` and its result is dropped, so no run is recorded twice.
/// - **Creation and migration** happen in one `IMMEDIATE` transaction (see `LedgerSchema`):
///   processes creating one ledger at once all succeed.
/// - **Read-only opens** (`init(readOnlyPath:)`) never migrate, never take the write lock and
///   never change the file; they work while another process writes, and on a read-only file or
///   folder.
/// - **Checkpoint.** A command that wrote calls `checkpoint()` when it ends, so the data is in
///   `ledger.sqlite` itself and copying that file alone gives the whole ledger.
///
/// ## Invariants
/// - Metrics, clusters and artifacts rows exist only for `completed` runs: `claim`, `fail` and
///   `complete` clear the previous results of the run they touch.
/// - A run's id is the first 12 hex digits of its key, longer only when a different key already
///   holds that prefix; once recorded, a key keeps its id, and no row is ever given another key.
/// - Every status change of a run appends a row to `run_events` in the same transaction.
public final class Ledger: Sendable {
    /// The database file.
    public let path: String
    /// A `DatabasePool` (WAL) when opened for writing; a read-only `DatabaseQueue` otherwise.
    let database: any DatabaseWriter
    /// The migrations the file has: a read-only ledger may predate some of this build's.
    let appliedMigrations: Set<String>
    private let busyTimeout: TimeInterval

    /// How often a running process refreshes the heartbeat of its `running` rows.
    public static let heartbeatInterval: TimeInterval = 5
    /// After how long without a heartbeat another process may take over a `running` row.
    public static let staleAfter: TimeInterval = 60
    /// Hex digits of a run id, unless a longer prefix is needed to tell keys apart.
    public static let idLength = 12

    /// Opens the ledger at `path` for writing, creating the file (and its folder) and migrating
    /// its schema as needed. A write that finds the file locked by another process waits up to
    /// `busyTimeout` seconds (then is retried, see the concurrency contract).
    public init(path: String, busyTimeout: TimeInterval = 30) throws {
        self.path = path
        self.busyTimeout = busyTimeout
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw LedgerError.cannotOpen(path: path, reason: "cannot create folder \(folder.path): \(error.localizedDescription)")
        }
        if let size = Self.fileSize(path), size > 0 {
            // Looked at read-only first: opening for writing switches the file to WAL mode, which
            // must never happen to another application's database.
            _ = try Self.openReadOnly(path, busyTimeout: busyTimeout, allowEmpty: true)
        }
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        config.foreignKeysEnabled = true
        database = try Self.opening(path, busyTimeout: busyTimeout) {
            let pool = try DatabasePool(path: path, configuration: config)
            try LedgerSchema.migrate(pool) { db in try Self.verifyIdentity(db, path: path, allowEmpty: true) }
            return pool
        }
        appliedMigrations = Set(LedgerSchema.identifiers)
    }

    /// Opens an existing ledger for queries only: no migration, no lock that blocks a writer, no
    /// change to the file. Fails if the file does not exist, is not a ledger, or is newer than
    /// this build. Where the folder is not writable (so SQLite cannot create the `-shm` index
    /// beside a WAL database) and no writer's log is pending, the file is opened `immutable`.
    public init(readOnlyPath path: String) throws {
        self.path = path
        self.busyTimeout = 30
        (database, appliedMigrations) = try Self.openReadOnly(path, busyTimeout: busyTimeout, allowEmpty: false)
    }

    private static func openReadOnly(_ path: String, busyTimeout: TimeInterval,
                                     allowEmpty: Bool) throws -> (DatabaseQueue, Set<String>) {
        guard let size = fileSize(path) else { throw LedgerError.notFound(path: path) }
        if size == 0 && !allowEmpty { throw LedgerError.notALedger(path: path, reason: "the file is empty") }
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(busyTimeout)
        return try opening(path, busyTimeout: busyTimeout) {
            let queue = try DatabaseQueue(path: readOnlyURI(path), configuration: config)
            let applied = try queue.read { db in
                try verifyIdentity(db, path: path, allowEmpty: allowEmpty)
                return Set(try LedgerSchema.applied(db))
            }
            return (queue, applied)
        }
    }

    /// Whether the file has the given migration (a read-only open of an older ledger may not).
    func has(migration: String) -> Bool { appliedMigrations.contains(migration) }

    /// Moves everything from the write-ahead log into the database file and empties the log
    /// (`wal_checkpoint(TRUNCATE)`), so that `ledger.sqlite` alone is the whole ledger. Waits at
    /// most a second for other processes; if they keep the log busy, the last of them to finish
    /// does it. Does nothing on a read-only ledger.
    public func checkpoint() {
        guard let pool = database as? DatabasePool else { return }
        try? pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA busy_timeout = 1000")
            defer { try? db.execute(sql: "PRAGMA busy_timeout = \(Int(busyTimeout * 1000))") }
            _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }

    /// One write transaction (`IMMEDIATE`), retried while the file is locked; SQLite's I/O
    /// errors become `LedgerError`s that name the file.
    func write<T>(_ updates: (Database) throws -> T) throws -> T {
        try Self.retrying(path: path, busyTimeout: busyTimeout) { try database.write(updates) }
    }

    /// One read transaction, with the same error translation as `write`.
    func read<T>(_ value: (Database) throws -> T) throws -> T {
        try Self.retrying(path: path, busyTimeout: busyTimeout) { try database.read(value) }
    }

    /// Retries `operation` while SQLite reports the file busy or locked (after its own busy
    /// timeout, or at once for locks it cannot wait for, such as a log being recovered), then
    /// translates SQLite's errors.
    private static func retrying<T>(path: String, busyTimeout: TimeInterval, _ operation: () throws -> T) throws -> T {
        var pause = 0.05
        var attempt = 1
        while true {
            do {
                return try operation()
            } catch let error as DatabaseError
                        where (error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED) && attempt < 5 {
                Thread.sleep(forTimeInterval: pause * Double.random(in: 0.5 ... 1.5))
                pause *= 2
                attempt += 1
            } catch let error as DatabaseError {
                throw translate(error, path: path, busyTimeout: busyTimeout)
            }
        }
    }

    /// Opens with `retrying`; an SQLite error that is not about storage means the file cannot be opened.
    private static func opening<T>(_ path: String, busyTimeout: TimeInterval, _ open: () throws -> T) throws -> T {
        do {
            return try retrying(path: path, busyTimeout: busyTimeout, open)
        } catch let error as DatabaseError {
            throw LedgerError.cannotOpen(path: path, reason: error.message ?? "\(error)")
        }
    }

    private static func translate(_ error: DatabaseError, path: String, busyTimeout: TimeInterval) -> Error {
        let message = error.message ?? "SQLite error \(error.resultCode.rawValue)"
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return LedgerError.notALedger(path: path, reason: message)
        case .SQLITE_FULL:
            return LedgerError.storage(path: path, reason: "no space left on device: the ledger could not be written (\(message))")
        case .SQLITE_IOERR:
            return LedgerError.storage(path: path, reason: "I/O error on the ledger (\(message))")
        case .SQLITE_READONLY:
            return LedgerError.storage(path: path, reason: "the ledger or its folder is read-only (\(message))")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return LedgerError.storage(path: path, reason: "the ledger stayed locked by another process (waited \(Int(busyTimeout)) s, 5 times)")
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
            return LedgerError.cannotOpen(path: path, reason: message)
        default:
            return error
        }
    }

    /// A `file:` URI for a read-only open: `immutable=1` where SQLite could not create the `-shm`
    /// file beside a WAL database (unwritable folder) and no writer's log is pending; `mode=ro`
    /// otherwise (SQLite then shares the `-shm` index with writers, and may create it).
    private static func readOnlyURI(_ path: String) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL
        let folder = absolute.deletingLastPathComponent().path
        let pendingLog = (fileSize(absolute.path + "-wal") ?? 0) > 0
        let immutable = access(folder, W_OK) != 0 && !pendingLog
        let encoded = absolute.path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? absolute.path
        return "file:" + encoded + (immutable ? "?immutable=1" : "?mode=ro")
    }

    private static func fileSize(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int
    }

    /// Refuses SQLite files that are not seglab ledgers, and ledgers from a newer seglab.
    private static func verifyIdentity(_ db: Database, path: String, allowEmpty: Bool) throws {
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
        let applied = try LedgerSchema.applied(db)
        // A bookkeeping table alone is what an earlier seglab left when killed while creating the file.
        if tables.isEmpty || (tables == ["grdb_migrations"] && applied.isEmpty) {
            if allowEmpty { return }
            throw LedgerError.notALedger(path: path, reason: "the database is empty")
        }
        let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        guard applicationID == LedgerSchema.applicationID else {
            throw LedgerError.notALedger(path: path, reason: "an SQLite database of another application")
        }
        let unknown = Set(applied).subtracting(LedgerSchema.identifiers)
        if !unknown.isEmpty { throw LedgerError.newerSchema(path: path, unknownMigrations: unknown.sorted()) }
    }
}
