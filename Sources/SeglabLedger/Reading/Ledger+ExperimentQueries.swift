import GRDB

extension Ledger {
    /// Every recorded experiment, sorted by name.
    public func experiments() throws -> [ExperimentRecord] {
        try read { db in try ExperimentRecord.order(Column("name")).fetchAll(db) }
    }

    /// An experiment with its runs and experiment-level artifacts, or nil if it is not recorded.
    public func experiment(named name: String) throws -> ExperimentDetails? {
        try read { db in
            guard let experiment = try ExperimentRecord.fetchOne(db, key: name) else { return nil }
            return ExperimentDetails(
                experiment: experiment,
                runIDs: try String.fetchAll(
                    db, sql: "SELECT run_id FROM experiment_runs WHERE experiment = ? ORDER BY run_id",
                    arguments: [name]),
                artifacts: try ArtifactRecord.fetchAll(
                    db, sql: """
                        SELECT name, path, sha256, bytes FROM experiment_artifacts WHERE experiment = ? ORDER BY name
                        """, arguments: [name]))
        }
    }
}
