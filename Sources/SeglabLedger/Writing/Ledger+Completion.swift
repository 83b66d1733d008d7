import GRDB

extension Ledger {
    /// Commits a finished run that `owner` holds, in one transaction: its row becomes `completed`
    /// and its metrics, clusters and artifacts replace any earlier ones. If anything is refused (a
    /// NaN metric, a duplicate cluster or artifact; `claimLost` if the run is no longer `running`
    /// for `owner`), nothing is written and the run keeps its previous state.
    public func complete(_ outcome: CompletedRun, by owner: RunOwner) throws {
        try write { db in
            let id = outcome.id
            try db.execute(sql: """
                UPDATE runs SET status = 'completed', error = NULL, finished_at = ?, duration_s = ?,
                    dataset_sha256 = ?, code_version = ?, results_dir = ?
                WHERE id = ? AND \(Self.ownedBy)
                """, arguments: [outcome.finishedAt, outcome.durationS, outcome.datasetSHA256,
                                 outcome.codeVersion, outcome.resultsDir, id] + Self.ownerArguments(owner))
            try Self.requireChange(db, runID: id)
            try Self.deleteResults(db, runID: id)
            try Self.logEvent(db, runID: id, .completed, owner: owner, at: outcome.finishedAt)

            // Values are checked as they are written: the transaction, not a pre-pass, is what
            // keeps a refused outcome from leaving anything behind.
            let insertMetric = try db.cachedStatement(sql: "INSERT INTO metrics (run_id, name, value) VALUES (?, ?, ?)")
            for name in outcome.metrics.keys.sorted() {
                let value = outcome.metrics[name] ?? nil
                if let value, !value.isFinite {
                    throw LedgerError.nonFiniteMetric(runID: id, name: name, value: value)
                }
                try insertMetric.execute(arguments: [id, name, value])
            }
            let insertCluster = try db.cachedStatement(sql: "INSERT INTO clusters (run_id, cluster, size) VALUES (?, ?, ?)")
            var clusterIDs = Set<Int>()
            for cluster in outcome.clusters {
                guard clusterIDs.insert(cluster.cluster).inserted else {
                    throw LedgerError.duplicate(owner: "run \(id)", what: "cluster \(cluster.cluster)")
                }
                try insertCluster.execute(arguments: [id, cluster.cluster, cluster.size])
            }
            let insertArtifact = try db.cachedStatement(
                sql: "INSERT INTO artifacts (run_id, name, path, sha256, bytes) VALUES (?, ?, ?, ?, ?)")
            var artifactNames = Set<String>()
            for artifact in outcome.artifacts {
                guard artifactNames.insert(artifact.name).inserted else {
                    throw LedgerError.duplicate(owner: "run \(id)", what: "artifact \(artifact.name)")
                }
                try insertArtifact.execute(arguments: [id, artifact.name, artifact.path, artifact.sha256, artifact.bytes])
            }
        }
    }
}
