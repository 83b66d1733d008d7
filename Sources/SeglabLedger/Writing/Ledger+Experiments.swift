import GRDB

extension Ledger {
    /// Records an experiment, or replaces its `spec_json` if it exists (its `created_at` is kept).
    public func upsertExperiment(name: String, specJSON: String, createdAt: String) throws {
        try write { db in
            try Self.upsertExperiment(db, ExperimentRecord(name: name, specJSON: specJSON, createdAt: createdAt))
        }
    }

    /// Lists runs under an experiment (idempotent; links already present are kept).
    public func linkRuns(experiment: String, runIDs: [String]) throws {
        try write { db in try Self.linkRuns(db, experiment: experiment, runIDs: runIDs) }
    }

    /// Records experiment-level artifacts (data report, PCA variance, …), replacing any of the
    /// same name; others are kept.
    public func recordExperimentArtifacts(experiment: String, _ artifacts: [ArtifactRecord]) throws {
        try write { db in
            try Self.requireExperiment(db, experiment)
            var seen = Set<String>()
            for artifact in artifacts {
                guard seen.insert(artifact.name).inserted else {
                    throw LedgerError.duplicate(owner: "experiment \(experiment)", what: "artifact \(artifact.name)")
                }
                try db.execute(sql: """
                    INSERT INTO experiment_artifacts (experiment, name, path, sha256, bytes) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (experiment, name) DO UPDATE
                    SET path = excluded.path, sha256 = excluded.sha256, bytes = excluded.bytes
                    """, arguments: [experiment, artifact.name, artifact.path, artifact.sha256, artifact.bytes])
            }
        }
    }

    static func upsertExperiment(_ db: Database, _ experiment: ExperimentRecord) throws {
        try db.execute(sql: """
            INSERT INTO experiments (name, spec_json, created_at) VALUES (?, ?, ?)
            ON CONFLICT (name) DO UPDATE SET spec_json = excluded.spec_json
            """, arguments: [experiment.name, experiment.specJSON, experiment.createdAt])
    }

    static func linkRuns(_ db: Database, experiment: String, runIDs: [String]) throws {
        try requireExperiment(db, experiment)
        let runExists = try db.cachedStatement(sql: "SELECT 1 FROM runs WHERE id = ?")
        let link = try db.cachedStatement(sql: "INSERT OR IGNORE INTO experiment_runs (experiment, run_id) VALUES (?, ?)")
        for id in runIDs {
            guard try Bool.fetchOne(runExists, arguments: [id]) != nil else { throw LedgerError.unknownRun(id: id) }
            try link.execute(arguments: [experiment, id])
        }
    }

    static func requireExperiment(_ db: Database, _ name: String) throws {
        guard try ExperimentRecord.exists(db, key: name) else { throw LedgerError.unknownExperiment(name: name) }
    }
}
