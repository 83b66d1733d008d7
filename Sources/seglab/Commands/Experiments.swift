import ArgumentParser
import SeglabLedger
import SeglabRunner

struct Experiments: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the ledger's experiments: when each was first recorded and its runs by status.")

    @OptionGroup var ledgerOption: LedgerOption

    @Option(help: "table, csv or json.")
    var format: ListFormat = .table

    func run() throws {
        let summaries = try ledgerOption.openExisting().experimentSummaries()
        let statuses = RunStatus.allCases
        let header = ["name", "created_at", "runs"] + statuses.map(\.rawValue)
        func counts(_ e: ExperimentSummary) -> [Int] { [e.totalRuns] + statuses.map { e.runs[$0] ?? 0 } }
        switch format {
        case .json:
            writeStdout(JSONWriter.pretty(.array(summaries.map { e in
                .object([("name", .string(e.name)), ("created_at", .string(e.createdAt))]
                    + zip(header.dropFirst(2), counts(e)).map { ($0, .int($1)) })
            })))
        case .csv, .table:
            let table = TextTable(header: header, rows: summaries.map { e in [e.name, e.createdAt] + counts(e).map(String.init) })
            writeStdout(format == .csv ? table.csv() : table.text())
        }
        if summaries.isEmpty { Log.info("\(ledgerOption.ledger) records no experiment yet") }
    }
}
