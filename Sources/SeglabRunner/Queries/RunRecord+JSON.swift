import SeglabLedger

extension RunRecord {
    /// The run as `seglab runs --format json` and `GET /runs` list it: identity, params (as
    /// JSON), status and timings; null where not set.
    public var json: JSONValue {
        func opt(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
        return .object([
            ("id", .string(id)), ("experiment", .string(experiment)), ("feature_set", .string(featureSet)),
            ("algorithm", .string(algorithm)),
            ("params", (try? JSONParser.parse(Array(paramsJSON.utf8))) ?? .string(paramsJSON)),
            ("replicate", .int(replicate)), ("seed", .int(Int(seed))), ("status", .string(status.rawValue)),
            ("error", opt(error)), ("started_at", opt(startedAt)), ("finished_at", opt(finishedAt)),
            ("duration_s", durationS.map { .real($0) } ?? .null), ("results_dir", opt(resultsDir)),
        ])
    }
}
