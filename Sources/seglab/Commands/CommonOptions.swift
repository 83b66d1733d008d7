import ArgumentParser
import Foundation
import SeglabLedger
import SeglabRunner

struct LedgerOption: ParsableArguments {
    @Option(name: .long, help: "The SQLite ledger.")
    var ledger: String = "results/ledger.sqlite"

    /// Opens an existing ledger read-only (no migration, no write lock, no change to the file);
    /// a missing file is bad usage.
    func openExisting() throws -> Ledger {
        try requireFile()
        return try Ledger(readOnlyPath: ledger)
    }

    /// Opens an existing ledger for writing (migrating it if it is older); a missing file is bad usage.
    func openExistingForWriting() throws -> Ledger {
        try requireFile()
        return try Ledger(path: ledger)
    }

    /// A missing ledger is bad usage.
    func requireFile() throws {
        guard FileManager.default.fileExists(atPath: ledger) else {
            throw UsageError("no ledger at \(ledger) (run an experiment first, or pass --ledger PATH)")
        }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json, markdown
}

/// For one document (`show`, `plan`, `compare`, `algorithms`, `predict-check`): a readable
/// table or JSON.
enum DocumentFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

/// For listings (`experiments`, `runs`).
enum ListFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}

/// Loads and prepares an experiment file: every check of SPEC §1 and §6, no ledger write.
func prepareExperiment(_ file: String) throws -> PreparedExperiment {
    try ExperimentPlanner.prepare(try ExperimentParser.load(path: file), showProgress: true)
}

/// An answer that is empty although every name given exists (the filters exclude every run):
/// said on stderr, and exit 1 — as `grep` finding nothing — so a script can tell an empty
/// answer from a full one, and from bad usage (2).
func nothingMatched(_ what: String) -> ExitCode {
    Log.error(what)
    return ExitCode(1)
}

/// "1 run", "2 runs".
func counted(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

func writeStdout(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}
