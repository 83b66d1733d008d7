import GRDB

extension Ledger {
    /// Records an experiment and its planned runs in one transaction: upserts the experiment,
    /// registers the runs as pending (see `registerPending`) and lists them under it.
    public func register(experiment: ExperimentRecord, runs: [RunRecord]) throws {
        try dbPool.write { db in
            try Self.upsertExperiment(db, experiment)
            try Self.registerPending(db, runs)
            try Self.linkRuns(db, experiment: experiment.name, runIDs: runs.map(\.id))
        }
    }

    /// Inserts new runs as `pending`, in one transaction. A run already in the ledger keeps its
    /// row, except that a run that is not `completed` (failed, interrupted, or left `running` by a
    /// process that died) goes back to `pending`. Each run's `experiment` must already be recorded.
    public func registerPending(_ runs: [RunRecord]) throws {
        try dbPool.write { db in try Self.registerPending(db, runs) }
    }

    static func registerPending(_ db: Database, _ runs: [RunRecord]) throws {
        var knownExperiments = Set<String>()
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO runs (id, key, experiment, feature_set, algorithm, params_json, seed, replicate, status,
                              dataset_sha256, code_version, config_json, results_dir)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET status = 'pending', error = NULL, started_at = NULL,
                finished_at = NULL, duration_s = NULL
            WHERE runs.status <> 'completed'
            """)
        for run in runs {
            guard run.seed < 1 << 63 else { throw LedgerError.seedOutOfRange(runID: run.id, seed: run.seed) }
            if knownExperiments.insert(run.experiment).inserted {
                try requireExperiment(db, run.experiment)
            }
            try upsert.execute(arguments: [
                run.id, run.key, run.experiment, run.featureSet, run.algorithm, run.paramsJSON, Int64(run.seed),
                run.replicate, run.datasetSHA256, run.codeVersion, run.configJSON, run.resultsDir,
            ])
        }
    }
}
