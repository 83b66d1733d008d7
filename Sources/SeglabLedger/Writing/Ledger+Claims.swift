import Foundation
import GRDB

extension Ledger {
    /// Claims a run for `owner` with a compare-and-set in one transaction (see the concurrency
    /// contract): a `pending`, `failed` or `interrupted` run (or, with `force`, a `completed` one)
    /// becomes `running`; a `running` run is taken over only if `RunningRun.staleness` says its
    /// owner is gone or silent. A claimed run's previous results are cleared, and the data
    /// fingerprint and code version of this attempt are recorded (so a run that then fails still
    /// says what it ran on).
    public func claim(id: String, by owner: RunOwner, force: Bool = false, staleAfter: TimeInterval = Ledger.staleAfter,
                      datasetSHA256: String? = nil, codeVersion: String? = nil, now: Date = Date()) throws -> RunClaim {
        let at = Timestamp.string(now)
        let take = """
            UPDATE runs SET status = 'running', error = NULL, started_at = ?, finished_at = NULL, duration_s = NULL,
                owner_host = ?, owner_pid = ?, owner_start = ?, heartbeat_at = ?,
                dataset_sha256 = coalesce(?, dataset_sha256), code_version = coalesce(?, code_version)
            WHERE id = ? AND
            """
        let takeArguments: StatementArguments = [at, owner.host, owner.pid, owner.processStart, at, datasetSHA256, codeVersion, id]
        return try write { db in
            let claimable = force ? "'pending', 'failed', 'interrupted', 'completed'" : "'pending', 'failed', 'interrupted'"
            try db.execute(sql: take + " status IN (\(claimable))", arguments: takeArguments)
            if db.changesCount == 1 {
                try Self.deleteResults(db, runID: id)
                try Self.logEvent(db, runID: id, .claimed, owner: owner, at: at)
                return .claimed
            }
            guard let row = try Row.fetchOne(db, sql: """
                SELECT status, owner_host, owner_pid, owner_start, heartbeat_at FROM runs WHERE id = ?
                """, arguments: [id]) else { throw LedgerError.unknownRun(id: id) }
            guard row["status"] as RunStatus == .running else { return .completed }
            let running = RunningRun(id: id, owner: Self.owner(row), heartbeatAt: row["heartbeat_at"])
            guard let reason = running.staleness(now: now, staleAfter: staleAfter) else { return .runningElsewhere(running.owner) }
            // Compare-and-set on the owner and heartbeat just read.
            try db.execute(sql: take + """
                 status = 'running' AND owner_host IS ? AND owner_pid IS ? AND owner_start IS ? AND heartbeat_at IS ?
                """, arguments: takeArguments + StatementArguments(["owner_host", "owner_pid", "owner_start", "heartbeat_at"]
                                                            .map { row[$0] as DatabaseValue }))
            guard db.changesCount == 1 else { return .runningElsewhere(running.owner) }
            try Self.deleteResults(db, runID: id)
            try Self.logEvent(db, runID: id, .reclaimed, owner: owner, at: at, detail: "from \(reason)")
            return .reclaimed(from: running.owner, because: reason)
        }
    }

    /// Refreshes the heartbeat of every `running` row `owner` holds; returns how many.
    @discardableResult
    public func heartbeat(by owner: RunOwner, now: Date = Date()) throws -> Int {
        try write { db in
            try db.execute(sql: "UPDATE runs SET heartbeat_at = ? WHERE \(Self.ownedBy)",
                           arguments: [Timestamp.string(now)] + Self.ownerArguments(owner))
            return db.changesCount
        }
    }

    /// Marks `interrupted` the `running` rows `owner` holds (only those of `ids`, when given), so
    /// the next `run` takes them again; returns how many were marked.
    @discardableResult
    public func release(by owner: RunOwner, ids: [String]? = nil, now: Date = Date()) throws -> Int {
        try write { db in
            var held = try String.fetchAll(db, sql: "SELECT id FROM runs WHERE \(Self.ownedBy) ORDER BY id",
                                           arguments: Self.ownerArguments(owner))
            if let ids { held = held.filter(Set(ids).contains) }
            let at = Timestamp.string(now)
            for id in held {
                try db.execute(sql: "UPDATE runs SET status = 'interrupted' WHERE id = ?", arguments: [id])
                try Self.logEvent(db, runID: id, .interrupted, owner: owner, at: at)
            }
            return held.count
        }
    }

    /// Marks a stuck `running` run `interrupted` (`ledger check --repair`), if it is still as
    /// `observed` (same owner, same heartbeat); returns whether it was.
    public func requeue(_ observed: RunningRun, because reason: String, now: Date = Date()) throws -> Bool {
        try write { db in
            try db.execute(sql: """
                UPDATE runs SET status = 'interrupted'
                WHERE id = ? AND status = 'running' AND owner_host IS ? AND owner_pid IS ? AND owner_start IS ?
                    AND heartbeat_at IS ?
                """, arguments: [observed.id, observed.owner?.host, observed.owner?.pid, observed.owner?.processStart,
                                 observed.heartbeatAt])
            guard db.changesCount == 1 else { return false }
            try Self.logEvent(db, runID: observed.id, .requeued, owner: RunOwner.current, at: Timestamp.string(now),
                              detail: reason)
            return true
        }
    }

    /// The rows a process holds, as a SQL condition on `ownerArguments`.
    static let ownedBy = "status = 'running' AND owner_host = ? AND owner_pid = ? AND owner_start IS ?"

    static func ownerArguments(_ owner: RunOwner) -> StatementArguments {
        [owner.host, owner.pid, owner.processStart]
    }

    /// The owner recorded in a row with `owner_host`, `owner_pid` and `owner_start`, if any.
    static func owner(_ row: Row) -> RunOwner? {
        guard let host: String = row["owner_host"], let pid: Int32 = row["owner_pid"] else { return nil }
        return RunOwner(host: host, pid: pid, processStart: row["owner_start"])
    }

    enum Event: String { case claimed, reclaimed, completed, failed, interrupted, requeued }

    static func logEvent(_ db: Database, runID: String, _ event: Event, owner: RunOwner?, at: String,
                         detail: String? = nil) throws {
        try db.cachedStatement(sql: "INSERT INTO run_events (run_id, at, event, host, pid, detail) VALUES (?, ?, ?, ?, ?, ?)")
            .execute(arguments: [runID, at, event.rawValue, owner?.host, owner?.pid, detail])
    }
}
