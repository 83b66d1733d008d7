import GRDB

/// The ledger's schema as named migrations: "v1" is SPEC §4; later stages append "v2", … .
///
/// The SQL is written out so that what `sqlite3 ledger.sqlite .schema` prints is what this file says.
enum LedgerSchema {
    /// `PRAGMA application_id` of every seglab ledger ("SGLB"), how a ledger is told from other SQLite files.
    static let applicationID: Int32 = 0x5347_4C42

    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE experiments (
                    name TEXT NOT NULL PRIMARY KEY,
                    spec_json TEXT NOT NULL,
                    created_at TEXT NOT NULL
                );
                CREATE TABLE runs (
                    id TEXT NOT NULL PRIMARY KEY,
                    key TEXT NOT NULL UNIQUE,
                    experiment TEXT NOT NULL REFERENCES experiments(name),
                    feature_set TEXT NOT NULL,
                    algorithm TEXT NOT NULL,
                    params_json TEXT NOT NULL,
                    seed INTEGER NOT NULL CHECK (seed >= 0),
                    replicate INTEGER NOT NULL CHECK (replicate >= 0),
                    status TEXT NOT NULL
                        CHECK (status IN ('pending', 'running', 'completed', 'failed', 'interrupted')),
                    error TEXT,
                    started_at TEXT,
                    finished_at TEXT,
                    duration_s REAL,
                    dataset_sha256 TEXT,
                    code_version TEXT,
                    config_json TEXT NOT NULL,
                    results_dir TEXT
                );
                CREATE INDEX runs_by_status_algorithm ON runs(status, algorithm);
                CREATE TABLE experiment_runs (
                    experiment TEXT NOT NULL REFERENCES experiments(name) ON DELETE CASCADE,
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    PRIMARY KEY (experiment, run_id)
                ) WITHOUT ROWID;
                CREATE INDEX experiment_runs_by_run ON experiment_runs(run_id);
                -- SQLite would silently store NaN as NULL, so the ledger refuses NaN before binding;
                -- the CHECK keeps infinities out of hand-made inserts too.
                CREATE TABLE metrics (
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    value REAL CHECK (value IS NULL OR abs(value) <= 1.7976931348623157e308),
                    PRIMARY KEY (run_id, name)
                ) WITHOUT ROWID;
                CREATE INDEX metrics_by_name ON metrics(name, value);
                CREATE TABLE clusters (
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    cluster INTEGER NOT NULL CHECK (cluster >= -1),
                    size INTEGER NOT NULL CHECK (size >= 0),
                    PRIMARY KEY (run_id, cluster)
                ) WITHOUT ROWID;
                CREATE TABLE artifacts (
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    path TEXT NOT NULL,
                    sha256 TEXT NOT NULL,
                    bytes INTEGER NOT NULL CHECK (bytes >= 0),
                    PRIMARY KEY (run_id, name)
                ) WITHOUT ROWID;
                CREATE TABLE experiment_artifacts (
                    experiment TEXT NOT NULL REFERENCES experiments(name) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    path TEXT NOT NULL,
                    sha256 TEXT NOT NULL,
                    bytes INTEGER NOT NULL CHECK (bytes >= 0),
                    PRIMARY KEY (experiment, name)
                ) WITHOUT ROWID;
                PRAGMA application_id = \(applicationID);
                """)
        }
        return migrator
    }()
}
