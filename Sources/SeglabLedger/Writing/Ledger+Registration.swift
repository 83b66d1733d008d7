import GRDB

extension Ledger {
    /// Records an experiment and its planned runs in one transaction: upserts the experiment,
    /// registers the runs (see `registerPending`) and makes them the runs it lists, so that after
    /// an experiment file is edited the experiment lists exactly the runs it now declares (runs it
    /// no longer declares stay in the ledger, unlisted). Returns each run's id by key.
    @discardableResult
    public func register(experiment: ExperimentRecord, runs: [RunRecord]) throws -> [String: String] {
        try write { db in
            try Self.upsertExperiment(db, experiment)
            let ids = try Self.registerPending(db, runs)
            try db.execute(sql: "DELETE FROM experiment_runs WHERE experiment = ?", arguments: [experiment.name])
            try Self.linkRuns(db, experiment: experiment.name, runIDs: runs.map { ids[$0.key]! })
            return ids
        }
    }

    /// Inserts new runs as `pending`, in one transaction, and returns each run's id by key. A run
    /// whose key is already recorded is left exactly as it is (whatever its status: another
    /// process may be running it) and keeps its recorded id. Each run's `experiment` must already
    /// be recorded. The ids given in `runs` are ignored: see `ids(forKeys:)`.
    @discardableResult
    public func registerPending(_ runs: [RunRecord]) throws -> [String: String] {
        try write { db in try Self.registerPending(db, runs) }
    }

    /// The id each key has in the ledger, or would get if registered now (in this order): the
    /// first 12 hex digits, lengthened as git lengthens an abbreviation while a different key
    /// holds that prefix. Read-only (`plan` shows these).
    public func ids(forKeys keys: [String]) throws -> [String: String] {
        try read { db in try Self.assignIDs(db, keys: keys) }
    }

    static func assignIDs(_ db: Database, keys: [String]) throws -> [String: String] {
        let recorded = try db.cachedStatement(sql: "SELECT id FROM runs WHERE key = ?")
        let taken = try db.cachedStatement(sql: "SELECT 1 FROM runs WHERE id = ?")
        var ids: [String: String] = [:]
        var given = Set<String>()
        for key in keys where ids[key] == nil {
            if let id = try String.fetchOne(recorded, arguments: [key]) {
                ids[key] = id
                continue
            }
            var length = idLength
            while length < key.count {
                let candidate = String(key.prefix(length))
                if !given.contains(candidate), try Bool.fetchOne(taken, arguments: [candidate]) == nil { break }
                length += 1
            }
            guard length < key.count else { throw LedgerError.duplicate(owner: "the ledger", what: "a run id for key \(key)") }
            let id = String(key.prefix(length))
            ids[key] = id
            given.insert(id)
        }
        return ids
    }

    static func registerPending(_ db: Database, _ runs: [RunRecord]) throws -> [String: String] {
        let ids = try assignIDs(db, keys: runs.map(\.key))
        var knownExperiments = Set<String>()
        // Keyed on `key`: a row whose key differs is never touched, whatever its id.
        let insert = try db.cachedStatement(sql: """
            INSERT INTO runs (id, key, experiment, feature_set, algorithm, params_json, seed, replicate, status,
                              config_json)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)
            ON CONFLICT (key) DO NOTHING
            """)
        for run in runs {
            let id = ids[run.key]!
            guard run.seed < 1 << 63 else { throw LedgerError.seedOutOfRange(runID: id, seed: run.seed) }
            if knownExperiments.insert(run.experiment).inserted {
                try requireExperiment(db, run.experiment)
            }
            try insert.execute(arguments: [
                id, run.key, run.experiment, run.featureSet, run.algorithm, run.paramsJSON, Int64(run.seed),
                run.replicate, run.configJSON,
            ])
        }
        return ids
    }
}
