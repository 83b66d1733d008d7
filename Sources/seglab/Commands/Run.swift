import ArgumentParser
import Foundation
import SeglabLedger
import SeglabRunner

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run an experiment's grid in parallel and record it in the ledger.")

    @Argument(help: "The experiment file (JSON).")
    var file: String

    @OptionGroup var ledgerOption: LedgerOption

    @Option(help: "Folder for artifacts: <results>/<experiment>/<run-id>/.")
    var results: String = "results"

    // Optional, so that the help states the one default (the cores of the machine it runs on)
    // instead of also printing the number of the machine that built it.
    @Option(help: "Runs at once (default: the number of cores, \(ProcessInfo.processInfo.activeProcessorCount) here). Results never depend on it.")
    var jobs: Int?

    @Flag(help: "Run again the runs the ledger already has as completed.")
    var force = false

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    }

    func run() throws {
        // Every check on the input happens before the ledger is opened: bad input never
        // writes to it.
        let prepared = try prepareExperiment(file)
        let ledger = try Ledger(path: ledgerOption.ledger)
        let runner = GridRunner(prepared: prepared, ledger: ledger,
                                options: RunOptions(resultsDirectory: results, jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount, force: force))
        let s = try runner.run()
        let ran = s.completed + s.failed
        Log.info("\(prepared.experiment.name): \(s.planned) runs; \(ran == 0 ? "no run executed" : "\(ran) executed"), \(s.skipped) skipped (already completed), \(s.completed) completed, \(s.failed) failed")
        Log.info("ledger: \(ledgerOption.ledger); artifacts: \(results)/\(prepared.experiment.name)/")
        if s.failed > 0 { throw ExitCode(1) }
    }
}
