import ArgumentParser
import Foundation
import SeglabLedger
import SeglabRunner

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run an experiment's grid in parallel and record it in the ledger.")

    @Argument(help: "The experiment file (JSON).")
    var file: String

    @Option(help: "The SQLite ledger (default: results/ledger.sqlite; with --shard, the shard's own: results/shards/<experiment>/<I>-of-<N>/ledger.sqlite).")
    var ledger: String?

    @Option(help: "Folder for artifacts: <results>/<experiment>/<run-id>/ (default: results; with --shard, results/shards/<experiment>/<I>-of-<N>).")
    var results: String?

    @Option(help: "Run only shard I of N (I from 0 to N-1): a deterministic, cost-balanced part of the runs. `auto`: from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX.")
    var shard: String?

    @Option(name: .customLong("shard-count"), help: "The number of shards, with --shard auto (default: SEGLAB_SHARD_COUNT, else SLURM_ARRAY_TASK_COUNT); alone, implies --shard auto.")
    var shardCount: Int?

    // Optional, so that the help states the one default (the cores of the machine it runs on)
    // instead of also printing the number of the machine that built it.
    @Option(help: "Runs at once (default: the number of cores, \(ProcessInfo.processInfo.activeProcessorCount) here). Results never depend on it.")
    var jobs: Int?

    @Flag(help: "Run again the runs the ledger already has as completed (never one another runner is running).")
    var force = false

    @Option(name: .customLong("run-timeout"), help: "Seconds a run may take; a longer one is stopped and recorded failed (reason: timeout).")
    var runTimeout: Double?

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if let runTimeout, !(runTimeout > 0 && runTimeout.isFinite) {
            throw ValidationError("--run-timeout must be a positive number of seconds")
        }
    }

    func run() throws {
        // Every check on the input and on the results folder happens before the ledger is
        // opened: bad input never writes to it.
        let part = try Shard.resolve(shard, count: shardCount, environment: ProcessInfo.processInfo.environment)
        var prepared = try prepareExperiment(file)
        // A shard keeps its own ledger and results folder: shards never share an SQLite file.
        let folder = part.map { "results/shards/\(prepared.experiment.name)/\($0.folderName)" }
        let results = results ?? folder ?? "results"
        let ledgerPath = ledger ?? ((folder ?? "results") + "/ledger.sqlite")
        if let part {
            let total = prepared.runs.count
            prepared = prepared.restricted(to: part)
            Log.info("shard \(part): \(prepared.runs.count) of the \(total) runs")
        }
        do {
            try ArtifactStore.checkWritable(ArtifactStore.experimentDirectory(results: results, experiment: prepared.experiment.name))
        } catch let error as ArtifactWriteError {
            throw UsageError("cannot write artifacts under --results \(results): \(error)")
        }
        let ledger = try Ledger(path: ledgerPath)
        defer { ledger.checkpoint() }
        let runner = GridRunner(prepared: prepared, ledger: ledger,
                                options: RunOptions(resultsDirectory: results, jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount,
                                                    force: force, runTimeout: runTimeout))
        let s = try runner.run()
        var line = "\(prepared.experiment.name): \(s.planned) runs; \(s.executed == 0 ? "no run executed" : "\(s.executed) executed"), "
            + "\(s.skipped) skipped (already completed), \(s.completed) completed, \(s.failed) failed"
        if s.otherRunner > 0 { line += ", \(s.otherRunner) done or running in another runner" }
        if s.notRecorded > 0 { line += ", \(s.notRecorded) not recorded" }
        Log.info(line)
        Log.info("ledger: \(ledgerPath); artifacts: \(results)/\(prepared.experiment.name)/")
        if let reason = s.stopReason {
            Log.error("the grid stopped early: \(reason)")
            throw ExitCode(1)
        }
        if s.failed > 0 || s.notRecorded > 0 { throw ExitCode(1) }
    }
}
