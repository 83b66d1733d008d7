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

    private func requireFile() throws {
        guard FileManager.default.fileExists(atPath: ledger) else {
            throw UsageError("no ledger at \(ledger) (run an experiment first, or pass --ledger PATH)")
        }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json, markdown
}

/// For listings (`experiments`, `runs`).
enum ListFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}

/// Loads and prepares an experiment file: every check of SPEC §1 and §6, no ledger write.
func prepareExperiment(_ file: String) throws -> PreparedExperiment {
    try ExperimentPlanner.prepare(try ExperimentParser.load(path: file))
}

/// Finds a run by its id or a unique prefix of it (an id that is also the prefix of a longer
/// id, see `Ledger`, names itself).
func resolveRunID(_ given: String, in ledger: Ledger) throws -> String {
    let matches = try ledger.runs(idPrefix: given)
    if matches.count == 1 { return matches[0].id }
    if let exact = matches.first(where: { $0.id == given.lowercased() }) { return exact.id }
    if matches.isEmpty { throw UsageError("no run with id \(given) in the ledger") }
    throw UsageError("run id \(given) is ambiguous: \(matches.prefix(5).map(\.id).joined(separator: ", "))…")
}

/// A filter naming something the ledger does not hold is bad usage (exit 2), as an unknown run
/// id is: the message lists what exists, and suggests the one name that differs only in case,
/// `-` or `_` (`online_retail` for `online-retail`).
func requireKnown(_ given: String?, among existing: [String], kind: String, ledger: String) throws {
    guard let given, !existing.contains(given) else { return }
    let key = { (s: String) in s.lowercased().filter { $0 != "-" && $0 != "_" } }
    let close = existing.filter { key($0) == key(given) }
    throw UsageError("no \(kind) named '\(given)' in \(ledger)"
        + (close.count == 1 ? " (did you mean '\(close[0])'?)" : "")
        + (existing.isEmpty ? "; it has none" : "; \(kind)s: \(existing.joined(separator: ", "))"))
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
