import SeglabClustering
import SeglabRunner

/// The JSON answer of `POST /runs/{id}/assign`:
///
///     {"run_id": "be9c93a31e85", "algorithm": "kmeans", "count": 2, "score": "distance",
///      "assignments": [{"customer_id": "c1", "cluster": 3, "distance": 0.41, "segment_name": "Loyal"}, …]}
///
/// one object per customer, in the order `seglab assign` writes them; `score` names the
/// model's measure of each assignment (`distance` or `probability`, null for a model without
/// one), and each object carries it under that name. `segment_name` appears where the run's
/// profile names the customer's segment (`Profile.segmentNames`).
struct AssignAnswer: Sendable {
    var runID: String
    var algorithm: String
    var result: Assignment.Result

    var json: JSONValue {
        let p = result.prediction
        let items = result.ids.indices.map { i -> JSONValue in
            let label = p.labels[i]
            var m: [(key: String, value: JSONValue)] = [("customer_id", .string(result.ids[i])), ("cluster", .int(label))]
            if let kind = p.scoreKind { m.append((kind.rawValue, p.scores[i].isFinite ? .real(p.scores[i]) : .null)) }
            if let name = result.segmentNames[label] { m.append(("segment_name", .string(name))) }
            return .object(m)
        }
        return .object([
            ("run_id", .string(runID)), ("algorithm", .string(algorithm)), ("count", .int(items.count)),
            ("score", p.scoreKind.map { .string($0.rawValue) } ?? .null), ("assignments", .array(items)),
        ])
    }
}
