import SeglabLedger
import SeglabMetrics

/// Two runs' segmentations of the same customers side by side (`seglab compare`): the
/// contingency table of their labels (rows the first run's clusters, columns the second's),
/// their adjusted Rand index and normalised mutual information, and the segment names where
/// the runs' profiles have them.
///
/// Customers are matched by id, so runs whose cleaning kept different customers compare on
/// the customers they share (`onlyFirst` and `onlySecond` count the others).
public struct RunComparison: Sendable {
    public var first: String
    public var second: String
    public var agreement: LabelAgreement
    /// Names by cluster id (empty for a run whose profile has none).
    public var firstNames: [Int: String]
    public var secondNames: [Int: String]
    /// Customers in both runs: the table's total.
    public var customers: Int
    public var onlyFirst: Int
    public var onlySecond: Int

    public init(_ a: RunDetails, _ b: RunDetails) throws {
        let la = try RunLabels(run: a), lb = try RunLabels(run: b)
        var x: [Int], y: [Int]
        if la.ids == lb.ids {
            (x, y) = (la.labels, lb.labels)
        } else {
            var position: [String: Int] = [:]
            for (i, id) in lb.ids.enumerated() { position[id] = i }
            (x, y) = ([], [])
            for (i, id) in la.ids.enumerated() {
                if let j = position[id] { x.append(la.labels[i]); y.append(lb.labels[j]) }
            }
            guard !x.isEmpty else {
                throw RunLabelsError("runs \(a.run.id) and \(b.run.id) have no customer in common: nothing to compare")
            }
        }
        first = a.run.id
        second = b.run.id
        agreement = LabelAgreement(x, y)
        customers = x.count
        onlyFirst = la.ids.count - x.count
        onlySecond = lb.ids.count - x.count
        func names(_ d: RunDetails) -> [Int: String] {
            d.artifact(named: "profile.csv").map { Profile.segmentNames(csvPath: $0.path) } ?? [:]
        }
        firstNames = names(a)
        secondNames = names(b)
    }

    /// `seglab compare --format json`.
    public var json: JSONValue {
        func side(_ labels: [Int], _ names: [Int: String], sizes: [Int]) -> JSONValue {
            .array(labels.indices.map { i in
                var m: [(key: String, value: JSONValue)] = [("cluster", .int(labels[i])), ("size", .int(sizes[i]))]
                if let n = names[labels[i]] { m.append((Profile.nameColumn, .string(n))) }
                return .object(m)
            })
        }
        let t = agreement
        let rowSizes = t.counts.map { $0.reduce(0, +) }
        let columnSizes = t.columnLabels.indices.map { c in t.counts.reduce(0) { $0 + $1[c] } }
        return .object([
            ("run_a", .string(first)), ("run_b", .string(second)),
            ("customers", .int(customers)), ("only_in_a", .int(onlyFirst)), ("only_in_b", .int(onlySecond)),
            ("ari", t.ari.map { .real($0) } ?? .null), ("nmi", t.nmi.map { .real($0) } ?? .null),
            ("rows", side(t.rowLabels, firstNames, sizes: rowSizes)),
            ("columns", side(t.columnLabels, secondNames, sizes: columnSizes)),
            ("counts", .array(t.counts.map { .array($0.map { .int($0) }) })),
        ])
    }
}
