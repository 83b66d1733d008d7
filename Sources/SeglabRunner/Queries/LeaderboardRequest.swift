import SeglabLedger
import SeglabMetrics

/// A leaderboard as `seglab leaderboard` and `GET /leaderboard` ask for it: the options are
/// checked against the ledger (every name it does not hold is refused, listing those it
/// does), the metric's direction comes from the catalog, and `Ledger.leaderboard` ranks.
///
///     let request = LeaderboardRequest(metric: "davies_bouldin", experiment: "quickstart", bestPer: "k")
///     let rows = try request.rank(in: ledger, ledgerName: ledger.path, option: LeaderboardRequest.flag)
///     rows.map(request.json)   // the objects of `--format json`
public struct LeaderboardRequest: Sendable, Equatable {
    public var metric: String
    public var experiment: String?
    public var algorithm: String?
    public var minClusterShare: Double?
    public var bestPer: String?
    public var top: Int?

    public init(metric: String = "silhouette", experiment: String? = nil, algorithm: String? = nil,
                minClusterShare: Double? = nil, bestPer: String? = nil, top: Int? = nil) {
        self.metric = metric
        self.experiment = experiment
        self.algorithm = algorithm
        self.minClusterShare = minClusterShare
        self.bestPer = bestPer
        self.top = top
    }

    /// How the command line spells an option (`best_per` → `--best-per`).
    public static func flag(_ name: String) -> String { "--" + name.replacingOccurrences(of: "_", with: "-") }

    /// The first option value out of range, as a message, or nil; `option` spells the
    /// option's name (`min_cluster_share`) as the caller's user writes it.
    public func rangeProblem(option: (String) -> String) -> String? {
        if let top, top < 1 { return "\(option("top")) must be at least 1" }
        if let s = minClusterShare, !(0 ... 1).contains(s) { return "\(option("min_cluster_share")) must be between 0 and 1" }
        return nil
    }

    /// The ranked runs, best first. Throws `QueryError` for an option out of range, a metric
    /// that is unknown, has no direction or was never recorded, and an experiment, algorithm
    /// or `bestPer` parameter the ledger does not hold; `ledgerName` names the ledger in
    /// those messages.
    public func rank(in ledger: Ledger, ledgerName: String, option: (String) -> String) throws -> [LeaderboardRow] {
        if let problem = rangeProblem(option: option) { throw QueryError(.invalidValue, problem) }
        let names = try ledger.recordedNames()
        let direction = try rankingDirection(names.metrics, ledgerName: ledgerName)
        try LedgerLookup.requireKnown(experiment, among: names.experiments, kind: "experiment", ledger: ledgerName)
        try LedgerLookup.requireKnown(algorithm, among: names.algorithms, kind: "algorithm", ledger: ledgerName)
        if let bestPer, bestPer != "algorithm", bestPer != "feature_set", !names.parameters.contains(bestPer) {
            throw QueryError(.unknownName, "\(option("best_per")) \(bestPer): no run in \(ledgerName) has a parameter named '\(bestPer)'; "
                + "use algorithm, feature_set or a parameter: \(names.parameters.joined(separator: ", "))")
        }
        return try ledger.leaderboard(LeaderboardQuery(
            metric: metric, higherIsBetter: direction == .higherIsBetter, experiment: experiment,
            algorithm: algorithm, minClusterShare: minClusterShare, top: top, bestPer: bestPer))
    }

    /// Whether higher or lower `metric` is better; an unknown, unrecorded or unrankable metric
    /// is refused, naming the metrics the ledger has.
    public func rankingDirection(_ recorded: [String], ledgerName: String) throws -> MetricDirection {
        let rankable = recorded.filter { (MetricCatalog.direction(of: $0) ?? .none) != .none }
        let choices = "rank by one of: \(rankable.joined(separator: ", "))"
        guard let direction = MetricCatalog.direction(of: metric) else {
            throw QueryError(.unknownName, "unknown metric '\(metric)'; \(choices)")
        }
        guard direction != .none else { throw QueryError(.unknownName, "metric '\(metric)' has no better direction; \(choices)") }
        guard recorded.contains(metric) else {
            throw QueryError(.unknownName, "no run in \(ledgerName) recorded metric '\(metric)'; \(choices)")
        }
        return direction
    }

    /// The metrics each row shows: the ranked one, then the usual ones (not repeating it).
    public var metricNames: [String] { [metric] + shown.map(\.name) }

    /// `metricNames`' values for a row (nil where NULL or not recorded).
    public func metricValues(_ r: LeaderboardRow) -> [Double?] { [r.value] + shown.map { $0.value(r) } }

    /// A row as `--format json` writes it: rank, identity, params (as JSON), then the metrics.
    public func json(_ r: LeaderboardRow) -> JSONValue {
        let params = (try? JSONParser.parse(Array(r.paramsJSON.utf8))) ?? .string(r.paramsJSON)
        let fixed: [(key: String, value: JSONValue)] = [
            ("rank", .int(r.rank)), ("run_id", .string(r.runID)), ("experiment", .string(r.experiment)),
            ("feature_set", .string(r.featureSet)), ("algorithm", .string(r.algorithm)), ("params", params),
            ("replicate", .int(r.replicate)), ("seed", .int(Int(r.seed))),
        ]
        return .object(fixed + zip(metricNames, metricValues(r)).map { ($0, MetricText.json($0, $1)) })
    }

    /// Shown beside the ranked metric (which is not repeated among them).
    private var shown: [(name: String, value: (LeaderboardRow) -> Double?)] {
        let all: [(name: String, value: (LeaderboardRow) -> Double?)] = [
            ("silhouette", \.silhouette), ("davies_bouldin", \.daviesBouldin), ("calinski_harabasz", \.calinskiHarabasz),
            ("n_clusters", { $0.nClusters.map(Double.init) }), ("min_cluster_share", \.minClusterShare),
            ("balance_entropy", \.balanceEntropy),
        ]
        return all.filter { $0.name != metric }
    }
}
