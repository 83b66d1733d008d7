import SeglabLedger
import SeglabMetrics

/// How stable a configuration's segmentation is across its replicates (the same run but for
/// the replicate index, so another seed): the mean adjusted Rand index over every pair of its
/// completed replicates' labels (1 = every replicate found the same segments).
///
/// Computed when asked, from the replicates' `labels.csv` (checked against the ledger's
/// SHA-256), so it holds for any ledger — one runner's, several runners', merged shards —
/// and always covers the replicates completed so far.
///
///     let s = try ReplicateStability.of(runIDs: ["be9c93a31e85"], ledger: ledger)
///     s["be9c93a31e85"]   // Value(replicates: 5, meanARI: 0.97), nil with fewer than 2 replicates
public enum ReplicateStability {
    public struct Value: Sendable, Equatable {
        /// Completed replicates of the configuration.
        public var replicates: Int
        /// Mean pairwise ARI; nil when fewer than two replicates have readable labels.
        public var meanARI: Double?
        /// Why `meanARI` is nil although there are replicates (a labels file missing or altered).
        public var problem: String?
    }

    /// The stability of each given run's configuration, for runs whose configuration has at
    /// least two completed replicates (the others are absent). Each configuration is computed
    /// once, however many of its runs are given.
    public static func of(runIDs: [String], ledger: Ledger) throws -> [String: Value] {
        let groups = try ledger.replicates(of: runIDs)
        var byGroup: [[String]: Value] = [:]
        var result: [String: Value] = [:]
        for id in runIDs {
            guard let members = groups[id], members.count >= 2 else { continue }
            let key = members.map(\.id)
            if byGroup[key] == nil { byGroup[key] = compute(members) }
            result[id] = byGroup[key]
        }
        return result
    }

    static func compute(_ members: [ReplicateRecord]) -> Value {
        var labelings: [RunLabels] = []
        for m in members {
            guard let artifact = m.labels else {
                return Value(replicates: members.count, meanARI: nil, problem: "run \(m.id) has no labels.csv")
            }
            do { labelings.append(try RunLabels(artifact, runID: m.id)) } catch {
                return Value(replicates: members.count, meanARI: nil, problem: "\(error)")
            }
        }
        guard labelings.dropFirst().allSatisfy({ $0.ids == labelings[0].ids }) else {
            return Value(replicates: members.count, meanARI: nil, problem: "the replicates' labels.csv list different customers")
        }
        var sum = 0.0, pairs = 0
        for i in labelings.indices {
            for j in labelings.indices where j > i {
                sum += adjustedRandIndex(truth: labelings[i].labels, predicted: labelings[j].labels).value ?? 0
                pairs += 1
            }
        }
        return Value(replicates: members.count, meanARI: sum / Double(pairs), problem: nil)
    }
}
