import ArgumentParser
import Foundation
import SeglabLedger
import SeglabRunner

struct LedgerOption: ParsableArguments {
    @Option(name: .long, help: "The SQLite ledger.")
    var ledger: String = "results/ledger.sqlite"

    /// Opens an existing ledger for reading; a missing file is bad usage.
    func openExisting() throws -> Ledger {
        guard FileManager.default.fileExists(atPath: ledger) else {
            throw UsageError("no ledger at \(ledger) (run an experiment first, or pass --ledger PATH)")
        }
        return try Ledger(path: ledger)
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json, markdown
}

/// Loads and prepares an experiment file: every check of SPEC §1 and §6, no ledger write.
func prepareExperiment(_ file: String) throws -> PreparedExperiment {
    try ExperimentPlanner.prepare(try ExperimentParser.load(path: file))
}

/// Finds a run by its id or a unique prefix of it.
func resolveRunID(_ given: String, in ledger: Ledger) throws -> String {
    let matches = try ledger.runs(idPrefix: given)
    if matches.count == 1 { return matches[0].id }
    if matches.isEmpty { throw UsageError("no run with id \(given) in the ledger") }
    throw UsageError("run id \(given) is ambiguous: \(matches.prefix(5).map(\.id).joined(separator: ", "))…")
}

func writeStdout(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}
