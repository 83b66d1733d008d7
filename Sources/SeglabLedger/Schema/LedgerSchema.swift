import GRDB

/// The ledger's schema as named migrations: "v1" is SPEC §4, "v2" adds run ownership (who runs a
/// `running` row, and its heartbeat) and the `run_events` audit trail. Later stages append "v3", … ;
/// a shipped migration is never edited.
///
/// The SQL is written out so that what `sqlite3 ledger.sqlite .schema` prints is what this file says.
///
/// Migrations are applied here rather than by GRDB's `DatabaseMigrator`, which checks what is
/// applied outside the transaction that applies it: two processes creating one ledger at once
/// then both run "v1" and one fails ("table experiments already exists"). Here the check and
/// every missing migration run in one `IMMEDIATE` transaction, so the second process waits for
/// the first and finds the schema in place. The bookkeeping table keeps GRDB's name
/// (`grdb_migrations`), so ledgers written by earlier seglabs read the same.
enum LedgerSchema {
    /// `PRAGMA application_id` of every seglab ledger ("SGLB"), how a ledger is told from other SQLite files.
    static let applicationID: Int32 = 0x5347_4C42

    /// Every migration, in order.
    static let migrations: [(identifier: String, sql: String)] = [("v1", v1), ("v2", v2)]

    static var identifiers: [String] { migrations.map(\.identifier) }

    /// The migration identifiers recorded in the file (empty for a new file).
    static func applied(_ db: Database) throws -> [String] {
        guard try db.tableExists("grdb_migrations") else { return [] }
        return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
    }

    /// Applies the missing migrations in one `IMMEDIATE` transaction, after `verify` accepts the
    /// file as it is inside that transaction.
    static func migrate(_ writer: DatabasePool, verify: @escaping (Database) throws -> Void) throws {
        let known = Set(identifiers)
        // Most opens find nothing to do: look without taking the write lock first.
        let upToDate = try writer.read { db in Set(try applied(db)).isSuperset(of: known) }
        if upToDate { return }
        try writer.write { db in
            try verify(db)
            let done = Set(try applied(db))
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
            for migration in migrations where !done.contains(migration.identifier) {
                try db.execute(sql: migration.sql)
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES (?)", arguments: [migration.identifier])
            }
        }
    }

    private static let v1 = """
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
        """

    /// Ownership of `running` rows (see `Ledger`'s concurrency contract) and an append-only log of
    /// each run's life cycle, written in the same transaction as the change it records.
    private static let v2 = """
        ALTER TABLE runs ADD COLUMN owner_host TEXT;
        ALTER TABLE runs ADD COLUMN owner_pid INTEGER;
        ALTER TABLE runs ADD COLUMN owner_start TEXT;
        ALTER TABLE runs ADD COLUMN heartbeat_at TEXT;
        CREATE INDEX runs_by_owner ON runs(owner_pid, owner_host) WHERE status = 'running';
        CREATE TABLE run_events (
            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            event TEXT NOT NULL
                CHECK (event IN ('claimed', 'reclaimed', 'completed', 'failed', 'interrupted', 'requeued')),
            host TEXT,
            pid INTEGER,
            detail TEXT
        );
        CREATE INDEX run_events_by_run ON run_events(run_id, at);
        """
}
