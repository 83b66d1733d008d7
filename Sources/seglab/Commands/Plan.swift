import ArgumentParser
import Foundation
import SeglabLedger
import SeglabRunner

struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the runs an experiment file expands to.")

    @Argument(help: "The experiment file (JSON).")
    var file: String

    @Option(help: "table or json.")
    var format: PlanFormat = .table

    @OptionGroup var ledgerOption: LedgerOption

    enum PlanFormat: String, ExpressibleByArgument { case table, json }

    func run() throws {
        var p = try prepareExperiment(file)
        // Ids as the ledger has them (read-only): longer than 12 digits where another key holds the prefix.
        if FileManager.default.fileExists(atPath: ledgerOption.ledger) {
            let ids = try Ledger(readOnlyPath: ledgerOption.ledger).ids(forKeys: p.runs.map(\.key))
            for i in p.runs.indices { p.runs[i].id = ids[p.runs[i].key]! }
        }
        switch format {
        case .json:
            let items = JSONValue.array(p.runs.map { r in
                .object([
                    ("id", .string(r.id)), ("key", .string(r.key)), ("feature_set", .string(r.featureSet.name)),
                    ("algorithm", .string(r.algorithm.name)), ("params", RunIdentity.paramsJSON(r.parameters)),
                    ("replicate", .int(r.replicate)), ("seed", .int(Int(r.seed))),
                ])
            })
            writeStdout(JSONWriter.pretty(items))
        case .table:
            let table = TextTable(header: ["id", "feature_set", "algorithm", "params", "replicate", "seed"],
                                  rows: p.runs.map { [$0.id, $0.featureSet.name, $0.algorithm.name, $0.paramsJSON, String($0.replicate), String($0.seed)] })
            writeStdout(table.text() + "\(p.runs.count) runs\n")
        }
    }
}
