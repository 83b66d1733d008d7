import ArgumentParser
import Foundation
import SeglabLedger
import SeglabRunner

extension RunStatus: ExpressibleByArgument {}

struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List runs with their status, in the order they started: all of them, or those of an experiment, a status, an algorithm.",
        discussion: CompactColumns.help
            + " An experiment or algorithm the ledger does not hold exits 2; filters that leave no run exit 1.")

    @OptionGroup var ledgerOption: LedgerOption

    @Option(help: "Only the runs this experiment lists.")
    var experiment: String?

    @Option(help: "Only runs in this state: \(RunStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
    var status: RunStatus?

    @Option(help: "Only runs of this algorithm.")
    var algorithm: String?

    @Option(help: "table, csv or json.")
    var format: ListFormat = .table

    func run() throws {
        let ledger = try ledgerOption.openExisting()
        let names = try ledger.recordedNames()
        try LedgerLookup.requireKnown(experiment, among: names.experiments, kind: "experiment", ledger: ledger.path)
        try LedgerLookup.requireKnown(algorithm, among: names.algorithms, kind: "algorithm", ledger: ledger.path)
        let runs = try ledger.runs(RunQuery(experiment: experiment, status: status, algorithm: algorithm))
        func text(_ s: String?) -> String { s ?? "" }
        switch format {
        case .json:
            writeStdout(JSONWriter.pretty(.array(runs.map(\.json))))
        case .csv:
            writeStdout(TextTable(
                header: ["id", "experiment", "feature_set", "algorithm", "params", "replicate", "seed", "status", "error",
                         "started_at", "finished_at", "duration_s", "results_dir"],
                rows: runs.map { r in
                    [r.id, r.experiment, r.featureSet, r.algorithm, r.paramsJSON, String(r.replicate), String(r.seed),
                     r.status.rawValue, text(r.error), text(r.startedAt), text(r.finishedAt),
                     r.durationS.map { JSONWriter.real($0) } ?? "", text(r.resultsDir)]
                }).csv())
        case .table:
            let params = CompactColumns(runs.map { ($0.experiment, $0.featureSet, $0.algorithm, $0.paramsJSON) })
            let table = TextTable(
                header: ["id"] + params.names + ["status", "seconds", "error"],
                rows: zip(runs, params.cells).map { r, cells in
                    [r.id] + cells
                        + [r.status.rawValue, r.durationS.map { String(format: "%.2f", $0) } ?? "", text(r.error)]
                })
            if !runs.isEmpty { writeStdout(table.text() + params.sharedNote) }
        }
        guard !runs.isEmpty else {
            let parts = [experiment.map { "experiment \($0)" }, status.map { "status \($0.rawValue)" },
                         algorithm.map { "algorithm \($0)" }].compactMap { $0 }
            throw nothingMatched("no run matches " + (parts.isEmpty ? "in \(ledger.path)" : "(" + parts.joined(separator: ", ") + ")"))
        }
        let byStatus = Dictionary(grouping: runs, by: \.status)
        Log.info("\(counted(runs.count, "run")): " + RunStatus.allCases.compactMap { s in byStatus[s].map { "\($0.count) \(s.rawValue)" } }.joined(separator: ", "))
    }
}
