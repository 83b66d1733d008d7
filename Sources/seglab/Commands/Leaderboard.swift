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

    var request: LeaderboardRequest {
        LeaderboardRequest(metric: metric, experiment: experiment, algorithm: algorithm,
                           minClusterShare: minClusterShare, bestPer: bestPer, top: top)
    }

    func validate() throws {
        if let problem = request.rangeProblem(option: LeaderboardRequest.flag) { throw ValidationError(problem) }
    }

    func run() throws {
        let ledger = try ledgerOption.openExisting()
        let request = self.request
        let rows = try request.rank(in: ledger, ledgerName: ledger.path, option: LeaderboardRequest.flag)
        // Mean pairwise ARI across each configuration's replicates: a column only where some
        // configuration was run more than once (`replicates` > 1).
        let stability = try ReplicateStability.of(runIDs: rows.map(\.runID), ledger: ledger)
        for problem in Set(stability.values.compactMap(\.problem)).sorted() { Log.warning("stability: \(problem)") }
        let metricNames = request.metricNames + (stability.isEmpty ? [] : ["stability"])
        func metricValues(_ r: LeaderboardRow) -> [Double?] {
            request.metricValues(r) + (stability.isEmpty ? [] : [stability[r.runID]?.meanARI])
        }
        switch format {
        case .json:
            writeStdout(JSONWriter.pretty(.array(rows.map { r in
                guard !stability.isEmpty, case .object(let members) = request.json(r) else { return request.json(r) }
                return .object(members + [("stability", MetricText.json("stability", stability[r.runID]?.meanARI)),
                                          ("replicates", .int(stability[r.runID]?.replicates ?? 1))])
            })))
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
        Log.info("\(counted(rows.count, "run"))\(bestPer.map { ", the best of each \($0)," } ?? "") ranked by \(metric) (\(MetricCatalog.direction(of: metric) == .higherIsBetter ? "higher" : "lower") is better)")
    }

    /// The filters in force, for the message when they leave no run.
    var filterDescription: String {
        let parts = [experiment.map { "experiment \($0)" }, algorithm.map { "algorithm \($0)" },
                     minClusterShare.map { "min cluster share \($0)" }, bestPer.map { "with a \($0)" }].compactMap { $0 }
        return parts.isEmpty ? "in \(ledgerOption.ledger)" : "(" + parts.joined(separator: ", ") + ")"
    }
}
