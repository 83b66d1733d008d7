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
        switch format {
        case .json:
            writeStdout(JSONWriter.pretty(.array(summaries.map(\.json))))
        case .csv, .table:
            let header = ["name", "created_at", "runs"] + RunStatus.allCases.map(\.rawValue)
            let table = TextTable(header: header, rows: summaries.map { e in [e.name, e.createdAt] + e.counts.map { String($0.count) } })
            writeStdout(format == .csv ? table.csv() : table.text())
        }
        if summaries.isEmpty { Log.info("\(ledgerOption.ledger) records no experiment yet") }
    }
}
