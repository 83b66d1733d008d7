import Foundation
import GRDB

extension Ledger {
    /// Everything the ledger records, read in one transaction: what `merge` copies from a source.
    public func snapshot() throws -> LedgerSnapshot {
        let hasEvents = has(migration: "v2")
        return try read { db in
            func grouped<T>(_ sql: String, _ make: (Row) -> T) throws -> [String: [T]] {
                var out: [String: [T]] = [:]
                for row in try Row.fetchAll(db, sql: sql) { out[row["run_id"], default: []].append(make(row)) }
                return out
            }
            let metrics = try grouped("SELECT run_id, name, value FROM metrics ORDER BY run_id, name") {
                MetricRecord(name: $0["name"], value: $0["value"])
            }
            let clusters = try grouped("SELECT run_id, cluster, size FROM clusters ORDER BY run_id, cluster") {
                ClusterRecord(cluster: $0["cluster"], size: $0["size"])
            }
            let artifacts = try grouped("SELECT run_id, name, path, sha256, bytes FROM artifacts ORDER BY run_id, name") {
                ArtifactRecord(name: $0["name"], path: $0["path"], sha256: $0["sha256"], bytes: $0["bytes"])
            }
            let events = hasEvents ? try grouped("SELECT run_id, at, event, host, pid, detail FROM run_events ORDER BY run_id, rowid") {
                RunEvent(at: $0["at"], event: $0["event"], host: $0["host"], pid: $0["pid"], detail: $0["detail"])
            } : [:]
            let runs = try RunRecord.fetchAll(db, sql: "SELECT * FROM runs ORDER BY key").map { run in
                RunSnapshot(record: run, metrics: metrics[run.id] ?? [], clusters: clusters[run.id] ?? [],
                            artifacts: artifacts[run.id] ?? [], events: events[run.id] ?? [])
            }
            let experiments = try ExperimentRecord.order(Column("name")).fetchAll(db).map { experiment in
                ExperimentDetails(
                    experiment: experiment,
                    runIDs: try String.fetchAll(db, sql: "SELECT run_id FROM experiment_runs WHERE experiment = ? ORDER BY run_id",
                                                arguments: [experiment.name]),
                    artifacts: try ArtifactRecord.fetchAll(db, sql: """
                        SELECT name, path, sha256, bytes FROM experiment_artifacts WHERE experiment = ? ORDER BY name
                        """, arguments: [experiment.name]))
            }
            return LedgerSnapshot(path: path, experiments: experiments, runs: runs)
        }
    }

    /// What this ledger holds for the runs and experiments of `sources`: what a merge into it plans against.
    public func mergeTarget(for sources: [LedgerSnapshot]) throws -> MergeTarget {
        let hasOwners = has(migration: "v2")
        return try read { db in try Self.mergeTarget(db, for: sources, hasOwners: hasOwners) }
    }

    /// Applies a merge plan in one transaction, or nothing of it. The plan is made again inside
    /// the transaction, against the target as it is then: if another process changed what it
    /// decided (or the ids `ids` gives the keys, see `ids(forKeys:)`), nothing is written and
    /// `LedgerError.changedDuringMerge` says so. The plan's paths are written as they are (the
    /// runner layer points them at the copied files).
    public func merge(_ plan: MergePlan, from sources: [LedgerSnapshot], ids: [String: String], now: Date = Date()) throws {
        try write { db in
            let again = MergePlan(sources: sources, target: try Self.mergeTarget(db, for: sources, hasOwners: true))
            if !again.conflicts.isEmpty { throw LedgerError.mergeRefused(again.conflicts) }
            guard again.decisions == plan.decisions else {
                throw LedgerError.changedDuringMerge(path: path, reason: "the runs it holds changed")
            }
            guard try Self.assignIDs(db, keys: plan.runs.map(\.key)) == ids else {
                throw LedgerError.changedDuringMerge(path: path, reason: "the run ids it would give changed")
            }
            for experiment in plan.experiments where experiment.action != .keep {
                try db.execute(sql: """
                    INSERT INTO experiments (name, spec_json, created_at) VALUES (?, ?, ?)
                    ON CONFLICT (name) DO UPDATE SET spec_json = excluded.spec_json
                    """, arguments: [experiment.name, experiment.specJSON, experiment.createdAt])
            }
            let at = Timestamp.string(now)
            for run in plan.runs {
                let id = ids[run.key]!
                switch run.decision {
                case .skip: continue
                case .insert: try Self.insert(db, run.copy, id: id)
                case .replace: try Self.replace(db, run.copy, id: id)
                }
                try Self.insertResults(db, run.copy, id: id)
                if run.copy.record.status == .interrupted && run.copy.events.last?.event != RunStatus.interrupted.rawValue {
                    try Self.logEvent(db, runID: id, .interrupted, owner: .current, at: at,
                                      detail: "merged from \(sources[run.source].path), where it was cut short")
                }
            }
            for experiment in plan.experiments {
                if experiment.action != .keep {
                    try db.execute(sql: "DELETE FROM experiment_runs WHERE experiment = ?", arguments: [experiment.name])
                }
                try Self.linkRuns(db, experiment: experiment.name, runIDs: experiment.runKeys.map { ids[$0]! })
                for artifact in experiment.artifacts {
                    try db.execute(sql: """
                        INSERT INTO experiment_artifacts (experiment, name, path, sha256, bytes) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (experiment, name) DO UPDATE
                        SET path = excluded.path, sha256 = excluded.sha256, bytes = excluded.bytes
                        """, arguments: [experiment.name, artifact.name, artifact.path, artifact.sha256, artifact.bytes])
                }
            }
        }
    }

    static func mergeTarget(_ db: Database, for sources: [LedgerSnapshot], hasOwners: Bool) throws -> MergeTarget {
        var target = MergeTarget.empty
        let keys = Array(Set(sources.flatMap { $0.runs.map(\.record.key) })).sorted()
        let ownerColumns = hasOwners ? ", owner_host, owner_pid, owner_start, heartbeat_at" : ""
        for start in stride(from: 0, to: keys.count, by: 500) {
            let chunk = Array(keys[start ..< min(start + 500, keys.count)])
            for row in try Row.fetchAll(db, sql: """
                SELECT id, key, status\(ownerColumns) FROM runs WHERE key IN (\(databaseQuestionMarks(count: chunk.count)))
                """, arguments: StatementArguments(chunk)) {
                let id: String = row["id"], status: RunStatus = row["status"]
                var live: RunOwner?
                if status == .running {
                    let running = RunningRun(id: id, owner: hasOwners ? owner(row) : nil, heartbeatAt: hasOwners ? row["heartbeat_at"] : nil)
                    if running.staleness(staleAfter: staleAfter) == nil { live = running.owner }
                }
                let hashes = status == .completed ? try hashesByName(db, "SELECT name, sha256 FROM artifacts WHERE run_id = ?", [id]) : [:]
                target.runs[row["key"]] = MergeTarget.Run(id: id, status: status, artifactHashes: hashes, liveOwner: live)
            }
        }
        for name in Set(sources.flatMap { $0.experiments.map(\.experiment.name) }).sorted() {
            guard let spec = try String.fetchOne(db, sql: "SELECT spec_json FROM experiments WHERE name = ?", arguments: [name]) else { continue }
            target.experiments[name] = MergeTarget.Experiment(
                specJSON: spec,
                artifactHashes: try hashesByName(db, "SELECT name, sha256 FROM experiment_artifacts WHERE experiment = ?", [name]),
                listedKeys: Set(try String.fetchAll(db, sql: """
                    SELECT runs.key FROM experiment_runs JOIN runs ON runs.id = experiment_runs.run_id
                    WHERE experiment_runs.experiment = ?
                    """, arguments: [name])))
        }
        return target
    }

    private static func hashesByName(_ db: Database, _ sql: String, _ arguments: StatementArguments) throws -> [String: String] {
        Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: sql, arguments: arguments).map { ($0["name"], $0["sha256"]) })
    }

    private static func insert(_ db: Database, _ run: RunSnapshot, id: String) throws {
        let r = run.record
        try db.execute(sql: """
            INSERT INTO runs (id, key, experiment, feature_set, algorithm, params_json, seed, replicate, status, error,
                              started_at, finished_at, duration_s, dataset_sha256, code_version, config_json, results_dir)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [id, r.key, r.experiment, r.featureSet, r.algorithm, r.paramsJSON, Int64(r.seed), r.replicate,
                             r.status, r.error, r.startedAt, r.finishedAt, r.durationS, r.datasetSHA256, r.codeVersion,
                             r.configJSON, r.resultsDir])
    }

    /// The target's row keeps its id, key and identity (the first experiment that declared it,
    /// its feature set's name); its life cycle and results become the copy's. Owner columns
    /// describe a live claim: a merged row has none.
    private static func replace(_ db: Database, _ run: RunSnapshot, id: String) throws {
        let r = run.record
        try db.execute(sql: """
            UPDATE runs SET status = ?, error = ?, started_at = ?, finished_at = ?, duration_s = ?, dataset_sha256 = ?,
                code_version = ?, results_dir = ?, owner_host = NULL, owner_pid = NULL, owner_start = NULL, heartbeat_at = NULL
            WHERE id = ? AND key = ?
            """, arguments: [r.status, r.error, r.startedAt, r.finishedAt, r.durationS, r.datasetSHA256, r.codeVersion,
                             r.resultsDir, id, r.key])
        try requireChange(db, runID: id)
        try deleteResults(db, runID: id)
    }

    private static func insertResults(_ db: Database, _ run: RunSnapshot, id: String) throws {
        let metric = try db.cachedStatement(sql: "INSERT INTO metrics (run_id, name, value) VALUES (?, ?, ?)")
        for m in run.metrics { try metric.execute(arguments: [id, m.name, m.value]) }
        let cluster = try db.cachedStatement(sql: "INSERT INTO clusters (run_id, cluster, size) VALUES (?, ?, ?)")
        for c in run.clusters { try cluster.execute(arguments: [id, c.cluster, c.size]) }
        let artifact = try db.cachedStatement(sql: "INSERT INTO artifacts (run_id, name, path, sha256, bytes) VALUES (?, ?, ?, ?, ?)")
        for a in run.artifacts { try artifact.execute(arguments: [id, a.name, a.path, a.sha256, a.bytes]) }
        let event = try db.cachedStatement(sql: "INSERT INTO run_events (run_id, at, event, host, pid, detail) VALUES (?, ?, ?, ?, ?, ?)")
        for e in run.events { try event.execute(arguments: [id, e.at, e.event, e.host, e.pid, e.detail]) }
    }
}
