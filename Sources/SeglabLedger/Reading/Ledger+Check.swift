import GRDB

extension Ledger {
    /// SQLite's own verdict on the file (`PRAGMA integrity_check`, then `foreign_key_check`):
    /// empty when the file is sound, else one line per problem.
    public func integrityProblems() throws -> [String] {
        try read { db in
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }
            let foreignKeys = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").map { row in
                "table \(row[0] as String) row \(row[1] as Int64? ?? -1) refers to a missing \(row[2] as String) row"
            }
            return integrity + foreignKeys
        }
    }

    /// Every `running` run with its owner and last heartbeat (owners are unknown in a ledger
    /// older than schema "v2"), sorted by id.
    public func runningRuns() throws -> [RunningRun] {
        let hasOwners = has(migration: "v2")
        return try read { db in
            let columns = hasOwners ? "id, owner_host, owner_pid, owner_start, heartbeat_at" : "id"
            return try Row.fetchAll(db, sql: "SELECT \(columns) FROM runs WHERE status = 'running' ORDER BY id").map { row in
                RunningRun(id: row["id"], owner: hasOwners ? Self.owner(row) : nil,
                           heartbeatAt: hasOwners ? row["heartbeat_at"] : nil)
            }
        }
    }

    /// Every artifact the ledger records, of runs and of experiments, with its owner (a run id
    /// or `experiment <name>`), sorted by owner and name.
    public func recordedArtifacts() throws -> [(owner: String, artifact: ArtifactRecord)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT run_id AS owner, name, path, sha256, bytes FROM artifacts
                UNION ALL
                SELECT 'experiment ' || experiment, name, path, sha256, bytes FROM experiment_artifacts
                ORDER BY owner, name
                """).map { row in
                (row["owner"], ArtifactRecord(name: row["name"], path: row["path"], sha256: row["sha256"], bytes: row["bytes"]))
            }
        }
    }

    /// Each run's artifact folder (`results_dir`) with the run's id and status, sorted by folder.
    public func runFolders() throws -> [(folder: String, id: String, status: RunStatus)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT results_dir, id, status FROM runs WHERE results_dir IS NOT NULL ORDER BY results_dir")
                .map { ($0["results_dir"], $0["id"], $0["status"]) }
        }
    }
}
