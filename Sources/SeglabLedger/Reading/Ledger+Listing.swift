import GRDB

extension Ledger {
    /// Every experiment, sorted by name, with its runs counted by status.
    public func experimentSummaries() throws -> [ExperimentSummary] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT e.name, e.created_at, r.status, count(r.id) AS runs
                FROM experiments e
                LEFT JOIN experiment_runs er ON er.experiment = e.name
                LEFT JOIN runs r ON r.id = er.run_id
                GROUP BY e.name, r.status
                ORDER BY e.name
                """)
            var summaries: [ExperimentSummary] = []
            for row in rows {
                let name: String = row["name"]
                if summaries.last?.name != name {
                    summaries.append(ExperimentSummary(name: name, createdAt: row["created_at"], runs: [:]))
                }
                if let status = row["status"] as RunStatus? { summaries[summaries.count - 1].runs[status] = row["runs"] }
            }
            return summaries
        }
    }

    /// The runs matching `query`, in the order they started (runs never started last), then by id.
    public func runs(_ query: RunQuery) throws -> [RunRecord] {
        try read { db in
            try RunRecord.fetchAll(db, sql: """
                SELECT r.* FROM runs r
                WHERE (:experiment IS NULL OR EXISTS (
                        SELECT 1 FROM experiment_runs er WHERE er.experiment = :experiment AND er.run_id = r.id))
                  AND (:status IS NULL OR r.status = :status)
                  AND (:algorithm IS NULL OR r.algorithm = :algorithm)
                ORDER BY r.started_at IS NULL, r.started_at, r.id
                """, arguments: ["experiment": query.experiment, "status": query.status?.rawValue, "algorithm": query.algorithm])
        }
    }

    /// Every experiment, algorithm, feature set, parameter and metric name the ledger holds.
    public func recordedNames() throws -> RecordedNames {
        try read { db in
            func names(_ sql: String) throws -> [String] { try String.fetchAll(db, sql: sql) }
            return RecordedNames(
                experiments: try names("SELECT name FROM experiments ORDER BY name"),
                algorithms: try names("SELECT DISTINCT algorithm FROM runs ORDER BY algorithm"),
                featureSets: try names("SELECT DISTINCT feature_set FROM runs ORDER BY feature_set"),
                parameters: try names("SELECT DISTINCT p.key FROM runs, json_each(runs.params_json) p ORDER BY p.key"),
                metrics: try names("SELECT DISTINCT name FROM metrics ORDER BY name"))
        }
    }
}
