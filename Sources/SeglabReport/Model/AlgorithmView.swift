import SeglabClustering
import SeglabRunner

/// One algorithm's completed runs of the experiment, arranged along its grid axes: the best
/// value of a metric for each `k` (per feature set), and the two axes its heat map spans.
struct AlgorithmView: Sendable {
    var name: String
    var runs: [RunData]
    /// Axes that vary among the runs, in the algorithm's parameter order, then `feature_set`
    /// (when there are two or more sets): each with its distinct values, sorted.
    var axes: [(name: String, values: [JSONValue])]

    static let featureSetAxis = "feature_set"

    init(name: String, runs: [RunData]) {
        self.name = name
        self.runs = runs
        let declared = AlgorithmRegistry.named(name)?.parameters.map(\.name) ?? []
        let names = Set(runs.flatMap { $0.params.map(\.key) })
        let ordered = declared.filter(names.contains) + names.subtracting(declared).sorted() + [Self.featureSetAxis]
        axes = ordered.compactMap { axis in
            let values = Self.sorted(runs.compactMap { Self.value($0, axis) })
            return values.count >= 2 ? (axis, values) : nil
        }
    }

    static func value(_ run: RunData, _ axis: String) -> JSONValue? {
        axis == featureSetAxis ? .string(run.featureSet) : run.param(axis)
    }

    /// Distinct values: numbers ascending, then everything else by its text.
    static func sorted(_ values: [JSONValue]) -> [JSONValue] {
        var distinct: [JSONValue] = []
        for v in values where !distinct.contains(v) { distinct.append(v) }
        func number(_ v: JSONValue) -> Double? {
            switch v {
            case .int(let i): return Double(i)
            case .real(let d): return d
            default: return nil
            }
        }
        return distinct.sorted { a, b in
            switch (number(a), number(b)) {
            case let (x?, y?): return x < y
            case (.some, nil): return true
            case (nil, .some): return false
            default: return RunData.text(a) < RunData.text(b)
            }
        }
    }

    /// For each feature set (in `order`), the best `metric` of each k among its runs, by k.
    func bestPerK(_ metric: String, higherIsBetter: Bool, featureSets order: [String]) -> [(featureSet: String, points: [(k: Int, value: Double)])] {
        order.compactMap { set in
            var best: [Int: Double] = [:]
            for r in runs where r.featureSet == set {
                guard let k = r.k, let v = r.metrics[metric] else { continue }
                if let b = best[k], higherIsBetter ? b >= v : b <= v { continue }
                best[k] = v
            }
            return best.isEmpty ? nil : (set, best.keys.sorted().map { ($0, best[$0]!) })
        }
    }

    /// The heat map's axes (rows, columns): the two axes with the most values besides `k`
    /// (the one with more values across; ties in axis order), or, without such a pair, the
    /// first other axis down and `k` across; nil when fewer than two axes vary. A pair where
    /// one axis follows from the other (K-Means' default `n_init` from `init`) is skipped: its
    /// map would be half empty.
    var heatMapAxes: (rows: (name: String, values: [JSONValue]), columns: (name: String, values: [JSONValue]))? {
        let others = axes.enumerated().filter { $0.element.name != "k" }
            .sorted { $0.element.values.count != $1.element.values.count ? $0.element.values.count > $1.element.values.count : $0.offset < $1.offset }
            .map(\.element)
        func independent(_ a: (name: String, values: [JSONValue]), _ b: (name: String, values: [JSONValue])) -> Bool {
            let pairs = Set(runs.map { r in [Self.value(r, a.name), Self.value(r, b.name)].map { $0.map(RunData.text) ?? "" }.joined(separator: "\u{1}") })
            return pairs.count > max(a.values.count, b.values.count)
        }
        for i in others.indices {
            for j in others.indices where j > i && independent(others[i], others[j]) { return (others[j], others[i]) }
        }
        if let k = axes.first(where: { $0.name == "k" }), let other = others.first(where: { independent($0, k) }) { return (other, k) }
        return nil
    }

    /// The best `metric` in each cell of the heat map (over every other axis); nil for an empty cell.
    func heatMap(_ metric: String, higherIsBetter: Bool) -> (rows: (name: String, values: [JSONValue]), columns: (name: String, values: [JSONValue]), cells: [[Double?]])? {
        guard let (rows, columns) = heatMapAxes else { return nil }
        let cells = rows.values.map { rv in
            columns.values.map { cv -> Double? in
                let values = runs.filter { Self.value($0, rows.name) == rv && Self.value($0, columns.name) == cv }.compactMap { $0.metrics[metric] }
                return higherIsBetter ? values.max() : values.min()
            }
        }
        return (rows, columns, cells)
    }
}
