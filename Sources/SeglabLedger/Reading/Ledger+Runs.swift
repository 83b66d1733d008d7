import GRDB

extension Ledger {
    /// The status of each given run that is in the ledger (absent ids are absent from the result).
    public func statuses(of ids: [String]) throws -> [String: RunStatus] {
        try read { db in
            var result: [String: RunStatus] = [:]
            // Chunked to stay far below SQLite's limit on bound parameters.
            for start in stride(from: 0, to: ids.count, by: 500) {
                let chunk = Array(ids[start..<min(start + 500, ids.count)])
                let rows = try Row.fetchAll(db, sql: """
                    SELECT id, status FROM runs WHERE id IN (\(databaseQuestionMarks(count: chunk.count)))
                    """, arguments: StatementArguments(chunk))
                for row in rows { result[row["id"]] = row["status"] as RunStatus }
            }
            return result
        }
    }

    /// A run with everything recorded about it, or nil if the ledger has no run with this id.
    public func run(id: String) throws -> RunDetails? {
        try read { db in
            guard let run = try RunRecord.fetchOne(db, key: id) else { return nil }
            return RunDetails(
                run: run,
                metrics: try MetricRecord.fetchAll(
                    db, sql: "SELECT name, value FROM metrics WHERE run_id = ? ORDER BY name", arguments: [id]),
                clusters: try ClusterRecord.fetchAll(
                    db, sql: "SELECT cluster, size FROM clusters WHERE run_id = ? ORDER BY cluster", arguments: [id]),
                artifacts: try ArtifactRecord.fetchAll(
                    db, sql: "SELECT name, path, sha256, bytes FROM artifacts WHERE run_id = ? ORDER BY name",
                    arguments: [id]),
                experiments: try String.fetchAll(
                    db, sql: "SELECT experiment FROM experiment_runs WHERE run_id = ? ORDER BY experiment",
                    arguments: [id]))
        }
    }

    /// The runs whose id starts with `idPrefix` (case-insensitive), sorted by id, so a user may
    /// type a unique prefix of an id; the caller decides what zero or several matches mean.
    public func runs(idPrefix: String) throws -> [RunRecord] {
        try read { db in
            try RunRecord.fetchAll(db, sql: """
                SELECT * FROM runs WHERE substr(id, 1, length(:prefix)) = :prefix ORDER BY id
                """, arguments: ["prefix": idPrefix.lowercased()])
        }
    }
}
