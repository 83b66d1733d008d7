import ArgumentParser
import Foundation
import SeglabLedger
import SeglabRunner

struct LedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger", abstract: "Look after the ledger.", subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check integrity, stuck runs, missing or altered artifacts, orphan and temporary files; exit 1 when something is wrong.")

        @OptionGroup var ledgerOption: LedgerOption

        @Flag(help: "Fix what is safe: requeue runs stuck `running` whose runner is gone, remove temporary files.")
        var repair = false

        func run() throws {
            // Without --repair nothing is written: the ledger is opened read-only.
            let ledger = repair ? try ledgerOption.openExistingForWriting() : try ledgerOption.openExisting()
            defer { ledger.checkpoint() }
            let findings = try SeglabRunner.LedgerCheck.run(ledger: ledger, repair: repair)
            for finding in findings { writeStdout(finding.description + "\n") }
            let open = findings.filter { $0.repaired == nil }.count
            if findings.isEmpty {
                Log.info("\(ledger.path): no problem found")
            } else {
                Log.info("\(ledger.path): \(findings.count) problems, \(findings.count - open) repaired"
                         + (open > 0 && !repair ? " (--repair fixes stuck runs and temporary files)" : ""))
            }
            if open > 0 { throw ExitCode(1) }
        }
    }
}
