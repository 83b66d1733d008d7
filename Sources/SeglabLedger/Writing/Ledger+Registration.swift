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
        for run in runs {
            if try RunRecord.exists(db, key: run.id) {
                try db.execute(sql: """
                    UPDATE runs SET status = 'pending', error = NULL, started_at = NULL,
                        finished_at = NULL, duration_s = NULL
                    WHERE id = ? AND status <> 'completed'
                    """, arguments: [run.id])
                continue
            }
            guard run.seed < 1 << 63 else { throw LedgerError.seedOutOfRange(runID: run.id, seed: run.seed) }
            if knownExperiments.insert(run.experiment).inserted {
                try requireExperiment(db, run.experiment)
            }
            var fresh = run
            fresh.status = .pending
            fresh.error = nil
            fresh.startedAt = nil
            fresh.finishedAt = nil
            fresh.durationS = nil
            try fresh.insert(db)
        }
    }
}
