import ArgumentParser
import Foundation
import SeglabLedger
import SeglabMetrics
import SeglabRunner

struct Leaderboard: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rank completed runs by a metric; the tool knows whether higher or lower is better.",
        discussion: CompactColumns.help
            + " A name that the ledger does not hold (experiment, algorithm, metric, parameter) exits 2 and lists the names it has; filters that leave no run exit 1.")

    @OptionGroup var ledgerOption: LedgerOption

    @Option(help: "Only the runs this experiment lists.")
    var experiment: String?

    @Option(help: "The metric to rank by.")
    var metric: String = "silhouette"

    @Option(help: "Only runs of this algorithm.")
    var algorithm: String?

    @Option(name: .customLong("min-cluster-share"), help: "Drop runs whose smallest cluster holds less than this share of customers.")
    var minClusterShare: Double?

    @Option(name: .customLong("best-per"), help: ArgumentHelp(
        "Keep the best run of each value of PARAM: k, algorithm, feature_set, or any parameter name.", valueName: "PARAM"))
    var bestPer: String?

    @Option(help: "Keep the first N runs.")
    var top: Int?

    @Option(help: "table, csv, json or markdown.")
    var format: OutputFormat = .table

    func validate() throws {
        if let top, top < 1 { throw ValidationError("--top must be at least 1") }
        if let s = minClusterShare, !(0 ... 1).contains(s) { throw ValidationError("--min-cluster-share must be between 0 and 1") }
    }

    func run() throws {
        let ledger = try ledgerOption.openExisting()
        let names = try ledger.recordedNames()
        let direction = try rankingDirection(names.metrics)
        try requireKnown(experiment, among: names.experiments, kind: "experiment", ledger: ledger.path)
        try requireKnown(algorithm, among: names.algorithms, kind: "algorithm", ledger: ledger.path)
        if let bestPer, bestPer != "algorithm", bestPer != "feature_set", !names.parameters.contains(bestPer) {
            throw UsageError("--best-per \(bestPer): no run in \(ledger.path) has a parameter named '\(bestPer)'; "
                + "use algorithm, feature_set or a parameter: \(names.parameters.joined(separator: ", "))")
        }
        let rows = try ledger.leaderboard(LeaderboardQuery(
            metric: metric, higherIsBetter: direction == .higherIsBetter, experiment: experiment,
            algorithm: algorithm, minClusterShare: minClusterShare, top: top, bestPer: bestPer))

        // Shown beside the ranked metric (which is not repeated among them).
        let shown: [(name: String, value: (LeaderboardRow) -> Double?)] = [
            ("silhouette", \.silhouette), ("davies_bouldin", \.daviesBouldin), ("calinski_harabasz", \.calinskiHarabasz),
            ("n_clusters", { $0.nClusters.map(Double.init) }), ("min_cluster_share", \.minClusterShare),
            ("balance_entropy", \.balanceEntropy),
        ].filter { $0.name != metric }
        let metricNames = [metric] + shown.map(\.name)
        func metricValues(_ r: LeaderboardRow) -> [Double?] { [r.value] + shown.map { $0.value(r) } }
        switch format {
        case .json:
            let items = JSONValue.array(rows.map { r in
                let params = (try? JSONParser.parse(Array(r.paramsJSON.utf8))) ?? .string(r.paramsJSON)
                let fixed: [(key: String, value: JSONValue)] = [
                    ("rank", .int(r.rank)), ("run_id", .string(r.runID)), ("experiment", .string(r.experiment)),
                    ("feature_set", .string(r.featureSet)), ("algorithm", .string(r.algorithm)), ("params", params),
                    ("replicate", .int(r.replicate)), ("seed", .int(Int(r.seed))),
                ]
                return .object(fixed + zip(metricNames, metricValues(r)).map { ($0, MetricText.json($0, $1)) })
            })
            writeStdout(JSONWriter.pretty(items))
        case .csv:
            writeStdout(TextTable(
                header: ["rank", "run_id", "experiment", "feature_set", "algorithm", "params"] + metricNames,
                rows: rows.map { r in
                    [String(r.rank), r.runID, r.experiment, r.featureSet, r.algorithm, r.paramsJSON]
                        + zip(metricNames, metricValues(r)).map { MetricText.exact($0, $1) }
                }).csv())
        case .table, .markdown:
            let params = CompactColumns(rows.map { ($0.experiment, $0.featureSet, $0.algorithm, $0.paramsJSON) },
                                        always: [bestPer].compactMap { $0 })
            let table = TextTable(
                header: ["rank", "run_id"] + params.names + metricNames,
                rows: zip(rows, params.cells).map { r, cells in [String(r.rank), r.runID] + cells + metricValues(r).map(formatNumber) })
            if !rows.isEmpty {
                // In Markdown a line right below a table would be read as one more row.
                writeStdout(format == .table ? table.text() + params.sharedNote
                    : table.markdown() + (params.sharedNote.isEmpty ? "" : "\n" + params.sharedNote))
            }
        }
        guard !rows.isEmpty else { throw nothingMatched("no completed run matches \(filterDescription)") }
        Log.info("\(counted(rows.count, "run"))\(bestPer.map { ", the best of each \($0)," } ?? "") ranked by \(metric) (\(direction == .higherIsBetter ? "higher" : "lower") is better)")
    }

    /// Whether higher or lower `metric` is better; an unknown, unrecorded or unrankable metric
    /// is bad usage naming the metrics the ledger has.
    func rankingDirection(_ recorded: [String]) throws -> MetricDirection {
        let rankable = recorded.filter { (MetricCatalog.direction(of: $0) ?? .none) != .none }
        let choices = "rank by one of: \(rankable.joined(separator: ", "))"
        guard let direction = MetricCatalog.direction(of: metric) else { throw UsageError("unknown metric '\(metric)'; \(choices)") }
        guard direction != .none else { throw UsageError("metric '\(metric)' has no better direction; \(choices)") }
        guard recorded.contains(metric) else { throw UsageError("no run in \(ledgerOption.ledger) recorded metric '\(metric)'; \(choices)") }
        return direction
    }

    /// The filters in force, for the message when they leave no run.
    var filterDescription: String {
        let parts = [experiment.map { "experiment \($0)" }, algorithm.map { "algorithm \($0)" },
                     minClusterShare.map { "min cluster share \($0)" }, bestPer.map { "with a \($0)" }].compactMap { $0 }
        return parts.isEmpty ? "in \(ledgerOption.ledger)" : "(" + parts.joined(separator: ", ") + ")"
    }
}
