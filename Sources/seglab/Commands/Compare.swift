import ArgumentParser
import Foundation
import SeglabLedger
import SeglabRunner

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Contingency table of two runs' labels (with segment names), their ARI and NMI.",
        discussion: "Customers are matched by id; runs that kept different customers compare on the ones they share.")

    @Argument(help: "The first run (rows of the table): an id or a unique prefix of one.")
    var runA: String

    @Argument(help: "The second run (columns).")
    var runB: String

    @OptionGroup var ledgerOption: LedgerOption

    @Option(help: "table or json.")
    var format: DocumentFormat = .table

    func run() throws {
        let ledger = try ledgerOption.openExisting()
        let a = try details(runA, ledger), b = try details(runB, ledger)
        let c: RunComparison
        do { c = try RunComparison(a, b) } catch let e as RunLabelsError { throw UsageError(e.description) }
        switch format {
        case .json:
            writeStdout(JSONWriter.pretty(c.json))
        case .table:
            let t = c.agreement
            func label(_ cluster: Int, _ names: [Int: String]) -> String { names[cluster].map { "\(cluster) \($0)" } ?? String(cluster) }
            let columnTotals = t.columnLabels.indices.map { j in t.counts.reduce(0) { $0 + $1[j] } }
            let rows = t.rowLabels.indices.map { i in
                [label(t.rowLabels[i], c.firstNames)] + t.counts[i].map(String.init) + [String(t.counts[i].reduce(0, +))]
            } + [["total"] + columnTotals.map(String.init) + [String(c.customers)]]
            var out = "run A \(c.first) (rows) against run B \(c.second) (columns): \(counted(c.customers, "customer")) in both"
            if c.onlyFirst + c.onlySecond > 0 { out += " (\(c.onlyFirst) only in A, \(c.onlySecond) only in B)" }
            out += "\n" + TextTable(header: ["A \\ B"] + t.columnLabels.map(String.init) + ["total"], rows: rows).text(alignRight: true)
            if !c.secondNames.isEmpty {
                out += "columns: " + t.columnLabels.map { label($0, c.secondNames) }.joined(separator: ", ") + "\n"
            }
            out += "ARI  \(formatNumber(t.ari))\nNMI  \(formatNumber(t.nmi))\n"
            writeStdout(out)
        }
    }

    private func details(_ given: String, _ ledger: Ledger) throws -> RunDetails {
        let id = try LedgerLookup.runID(given, in: ledger)
        guard let d = try ledger.run(id: id), d.run.status == .completed else {
            throw UsageError("run \(id) is not completed: it has no labels to compare")
        }
        return d
    }
}
