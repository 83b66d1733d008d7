import GRDB

extension Ledger {
    /// Marks a run `owner` holds `failed` with its reason, and clears any previous results.
    /// Throws `claimLost` if the run is no longer `running` for `owner`.
    public func fail(id: String, by owner: RunOwner, error: String, finishedAt: String, durationS: Double) throws {
        try write { db in
            try db.execute(sql: """
                UPDATE runs SET status = 'failed', error = ?, finished_at = ?, duration_s = ? WHERE id = ? AND \(Self.ownedBy)
                """, arguments: [error, finishedAt, durationS, id] + Self.ownerArguments(owner))
            try Self.requireChange(db, runID: id)
            try Self.deleteResults(db, runID: id)
            try Self.logEvent(db, runID: id, .failed, owner: owner, at: finishedAt, detail: error)
        }
    }

    /// After an owner-only `UPDATE`: throws `unknownRun` or `claimLost` unless it changed the row.
    static func requireChange(_ db: Database, runID: String) throws {
        guard db.changesCount == 0 else { return }
        guard try Bool.fetchOne(db, sql: "SELECT 1 FROM runs WHERE id = ?", arguments: [runID]) != nil else {
            throw LedgerError.unknownRun(id: runID)
        }
        throw LedgerError.claimLost(id: runID)
    }

    static func deleteResults(_ db: Database, runID: String) throws {
        for table in ["metrics", "clusters", "artifacts"] {
            try db.cachedStatement(sql: "DELETE FROM \(table) WHERE run_id = ?").execute(arguments: [runID])
        }
    }
}
