import ArgumentParser
import Foundation
import SeglabLedger
import SeglabMetrics
import SeglabRunner

struct Leaderboard: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Rank completed runs by a metric; the tool knows whether higher or lower is better.")

    @OptionGroup var ledgerOption: LedgerOption

    @Option(help: "Only the runs this experiment lists.")
    var experiment: String?

    @Option(help: "The metric to rank by.")
    var metric: String = "silhouette"

    @Option(help: "Only runs of this algorithm.")
    var algorithm: String?

    @Option(name: .customLong("min-cluster-share"), help: "Drop runs whose smallest cluster holds less than this share of customers.")
    var minClusterShare: Double?

    @Option(help: "Keep the first N runs.")
    var top: Int?

    @Option(help: "table, csv, json or markdown.")
    var format: OutputFormat = .table

    func validate() throws {
        if let top, top < 1 { throw ValidationError("--top must be at least 1") }
        if let s = minClusterShare, !(0 ... 1).contains(s) { throw ValidationError("--min-cluster-share must be between 0 and 1") }
    }

    var rankable: [String] { MetricCatalog.all.filter { $0.direction != .none }.map(\.name) }

    func run() throws {
        guard let direction = MetricCatalog.direction(of: metric) else {
            throw UsageError("unknown metric '\(metric)' (known: \(rankable.joined(separator: ", ")))")
        }
        guard direction != .none else {
            throw UsageError("metric '\(metric)' has no better direction; rank by one of: \(rankable.joined(separator: ", "))")
        }
        let ledger = try ledgerOption.openExisting()
        let rows = try ledger.leaderboard(LeaderboardQuery(
            metric: metric, higherIsBetter: direction == .higherIsBetter, experiment: experiment,
            algorithm: algorithm, minClusterShare: minClusterShare, top: top))
        // Shown beside the ranked metric (which is not repeated among them).
        let shown: [(name: String, value: (LeaderboardRow) -> Double?)] = [
            ("silhouette", \.silhouette), ("davies_bouldin", \.daviesBouldin), ("calinski_harabasz", \.calinskiHarabasz),
            ("n_clusters", { $0.nClusters.map(Double.init) }), ("min_cluster_share", \.minClusterShare),
            ("balance_entropy", \.balanceEntropy),
        ].filter { $0.name != metric }
        let keyMetrics = shown.map(\.name)
        func displayed(_ r: LeaderboardRow) -> [Double?] { [r.value] + shown.map { $0.value(r) } }
        let header = ["rank", "run_id", "experiment", "feature_set", "algorithm", "params", metric] + keyMetrics
        switch format {
        case .json:
            let items = JSONValue.array(rows.map { r in
                let params = (try? JSONParser.parse(Array(r.paramsJSON.utf8))) ?? .string(r.paramsJSON)
                let fixed: [(key: String, value: JSONValue)] = [
                    ("rank", .int(r.rank)), ("run_id", .string(r.runID)), ("experiment", .string(r.experiment)),
                    ("feature_set", .string(r.featureSet)), ("algorithm", .string(r.algorithm)), ("params", params),
                    ("replicate", .int(r.replicate)), ("seed", .int(Int(r.seed))),
                ]
                let metrics = zip([metric] + keyMetrics, displayed(r)).map { ($0, $1.map { JSONValue.real($0) } ?? .null) }
                return .object(fixed + metrics)
            })
            writeStdout(JSONWriter.pretty(items))
        case .table, .csv, .markdown:
            let exact = format == .csv
            let table = TextTable(header: header, rows: rows.map { r in
                [String(r.rank), r.runID, r.experiment, r.featureSet, r.algorithm, r.paramsJSON]
                    + displayed(r).map { exact ? ($0.map { $0.description } ?? "") : formatNumber($0) }
            })
            switch format {
            case .csv: writeStdout(table.csv())
            case .markdown: writeStdout(table.markdown())
            default:
                writeStdout(table.text())
                Log.info("\(rows.count) runs ranked by \(metric) (\(direction == .higherIsBetter ? "higher" : "lower") is better)")
            }
        }
    }
}
