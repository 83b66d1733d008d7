import GRDB

extension Ledger {
    /// For each given run, the completed runs of its configuration — the same run
    /// configuration (`config_json`'s `run`) but for the replicate index — itself included if
    /// completed, by replicate then id. An id the ledger does not hold maps to an empty list.
    public func replicates(of ids: [String]) throws -> [String: [ReplicateRecord]] {
        try read { db in
            var result: [String: [ReplicateRecord]] = [:]
            // Chunked to stay far below SQLite's limit on bound parameters.
            for start in stride(from: 0, to: ids.count, by: 500) {
                let chunk = Array(ids[start ..< min(start + 500, ids.count)])
                for id in chunk { result[id] = [] }
                // Replicates share the algorithm and its parameters: those plain columns narrow
                // the candidates before their configurations are compared.
                let rows = try Row.fetchAll(db, sql: """
                    SELECT t.id AS target, c.id, c.replicate, a.name, a.path, a.sha256, a.bytes
                    FROM runs t
                    JOIN runs c ON c.status = 'completed' AND c.algorithm = t.algorithm AND c.params_json = t.params_json
                     AND json_remove(json_extract(c.config_json, '$.run'), '$.replicate')
                       = json_remove(json_extract(t.config_json, '$.run'), '$.replicate')
                    LEFT JOIN artifacts a ON a.run_id = c.id AND a.name = 'labels.csv'
                    WHERE t.id IN (\(databaseQuestionMarks(count: chunk.count)))
                    ORDER BY t.id, c.replicate, c.id
                    """, arguments: StatementArguments(chunk))
                for row in rows {
                    let labels = (row["path"] as String?).map {
                        ArtifactRecord(name: row["name"], path: $0, sha256: row["sha256"], bytes: row["bytes"])
                    }
                    result[row["target"], default: []].append(ReplicateRecord(id: row["id"], replicate: row["replicate"], labels: labels))
                }
            }
            return result
        }
    }
}
