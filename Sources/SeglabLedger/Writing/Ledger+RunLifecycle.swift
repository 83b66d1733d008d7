import GRDB

extension Ledger {
    /// Marks a run `running` (from any state: a `--force` rerun starts from `completed`) and
    /// clears its previous results.
    public func markRunning(id: String, startedAt: String) throws {
        try dbPool.write { db in
            try db.execute(sql: """
                UPDATE runs SET status = 'running', error = NULL, started_at = ?, finished_at = NULL, duration_s = NULL
                WHERE id = ?
                """, arguments: [startedAt, id])
            guard db.changesCount == 1 else { throw LedgerError.unknownRun(id: id) }
            try Self.deleteResults(db, runID: id)
        }
    }

    /// Marks a run `failed` with its reason, and clears any previous results.
    public func fail(id: String, error: String, finishedAt: String, durationS: Double) throws {
        try dbPool.write { db in
            try db.execute(sql: """
                UPDATE runs SET status = 'failed', error = ?, finished_at = ?, duration_s = ? WHERE id = ?
                """, arguments: [error, finishedAt, durationS, id])
            guard db.changesCount == 1 else { throw LedgerError.unknownRun(id: id) }
            try Self.deleteResults(db, runID: id)
        }
    }

    /// Marks the given runs that are `running` as `interrupted`; others are left alone.
    /// Returns how many were marked.
    @discardableResult
    public func markInterrupted(ids: [String]) throws -> Int {
        try dbPool.write { db in
            var marked = 0
            for id in ids {
                try db.execute(sql: "UPDATE runs SET status = 'interrupted' WHERE id = ? AND status = 'running'",
                               arguments: [id])
                marked += db.changesCount
            }
            return marked
        }
    }

    static func deleteResults(_ db: Database, runID: String) throws {
        for table in ["metrics", "clusters", "artifacts"] {
            try db.cachedStatement(sql: "DELETE FROM \(table) WHERE run_id = ?").execute(arguments: [runID])
        }
    }
}
