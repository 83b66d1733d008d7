import GRDB

extension Ledger {
    /// Completed runs ranked by `query.metric`, best first.
    ///
    /// Runs whose metric is NULL or was never recorded are kept and ranked last; ties (and the
    /// NULL tail) are ordered by run id, so the ranking is deterministic. With `bestPer`, each
    /// value keeps only its best run under the same order and filters, and those runs are ranked.
    public func leaderboard(_ query: LeaderboardQuery) throws -> [LeaderboardRow] {
        if let top = query.top, top < 0 { throw LedgerError.invalidQuery("top must not be negative (got \(top))") }
        if let share = query.minClusterShare, !share.isFinite {
            throw LedgerError.invalidQuery("min cluster share must be a finite number (got \(share))")
        }
        // What a run is grouped by: itself without `bestPer`, so every run is its group's best.
        let group: String, hasGroup: String
        switch query.bestPer {
        case nil: (group, hasGroup) = ("r.id", "1")
        case "algorithm": (group, hasGroup) = ("r.algorithm", "1")
        case "feature_set": (group, hasGroup) = ("r.feature_set", "1")
        case let name?:
            guard !name.isEmpty, name.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }) else {
                throw LedgerError.invalidQuery("a parameter name has letters, digits and _ only (got '\(name)')")
            }
            // json_type is NULL only for an absent key; json_extract is NULL for a JSON null too.
            (group, hasGroup) = ("json_extract(r.params_json, '$.\(name)')", "json_type(r.params_json, '$.\(name)') IS NOT NULL")
        }
        let direction = query.higherIsBetter ? "DESC" : "ASC"
        let sql = """
            SELECT * FROM (
                SELECT r.id, r.experiment, r.feature_set, r.algorithm, r.params_json, r.seed, r.replicate,
                       ranked.value AS value,
                       sil.value AS silhouette, db.value AS davies_bouldin, ch.value AS calinski_harabasz,
                       nc.value AS n_clusters, mcs.value AS min_cluster_share, be.value AS balance_entropy,
                       row_number() OVER (PARTITION BY \(group)
                                          ORDER BY ranked.value IS NULL, ranked.value \(direction), r.id) AS position
                FROM runs r
                LEFT JOIN metrics ranked ON ranked.run_id = r.id AND ranked.name = :metric
                LEFT JOIN metrics sil ON sil.run_id = r.id AND sil.name = 'silhouette'
                LEFT JOIN metrics db ON db.run_id = r.id AND db.name = 'davies_bouldin'
                LEFT JOIN metrics ch ON ch.run_id = r.id AND ch.name = 'calinski_harabasz'
                LEFT JOIN metrics nc ON nc.run_id = r.id AND nc.name = 'n_clusters'
                LEFT JOIN metrics mcs ON mcs.run_id = r.id AND mcs.name = 'min_cluster_share'
                LEFT JOIN metrics be ON be.run_id = r.id AND be.name = 'balance_entropy'
                WHERE r.status = 'completed' AND \(hasGroup)
                  AND (:experiment IS NULL OR EXISTS (
                        SELECT 1 FROM experiment_runs er WHERE er.experiment = :experiment AND er.run_id = r.id))
                  AND (:algorithm IS NULL OR r.algorithm = :algorithm)
                  AND (:minShare IS NULL OR mcs.value >= :minShare)
            )
            WHERE position = 1
            ORDER BY value IS NULL, value \(direction), id
            LIMIT :limit
            """
        let arguments: StatementArguments = [
            "metric": query.metric, "experiment": query.experiment, "algorithm": query.algorithm,
            "minShare": query.minClusterShare, "limit": query.top ?? -1,  // LIMIT -1: no limit
        ]
        return try read { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).enumerated().map { offset, row in
                LeaderboardRow(
                    rank: offset + 1, runID: row["id"], experiment: row["experiment"],
                    featureSet: row["feature_set"], algorithm: row["algorithm"], paramsJSON: row["params_json"],
                    seed: row["seed"], replicate: row["replicate"], value: row["value"],
                    silhouette: row["silhouette"], daviesBouldin: row["davies_bouldin"],
                    calinskiHarabasz: row["calinski_harabasz"],
                    nClusters: (row["n_clusters"] as Double?).map { Int($0.rounded()) },
                    minClusterShare: row["min_cluster_share"], balanceEntropy: row["balance_entropy"])
            }
        }
    }
}
