import Dispatch
import Foundation
import SeglabClustering
import SeglabLedger

/// Options of `seglab run`.
public struct RunOptions: Sendable {
    public var resultsDirectory: String
    public var jobs: Int
    public var force: Bool
    /// Seconds a run may take before it is stopped and recorded `failed` with reason `timeout`; nil: no limit.
    public var runTimeout: Double?
    /// How often this runner's `running` rows get a heartbeat, and after how long without one
    /// another runner may take them over (the ledger's defaults; tests shorten them).
    public var heartbeatInterval = Ledger.heartbeatInterval
    public var staleAfter = Ledger.staleAfter
    /// The machine's memory as the memory guard sees it (tests substitute a smaller machine).
    var memory = MachineMemory.system

    public init(resultsDirectory: String = "results", jobs: Int = ProcessInfo.processInfo.activeProcessorCount,
                force: Bool = false, runTimeout: Double? = nil) {
        self.resultsDirectory = resultsDirectory; self.jobs = max(1, jobs); self.force = force; self.runTimeout = runTimeout
    }
}

/// How a grid ended, as this runner saw it.
public struct GridSummary: Sendable, Equatable {
    public var planned = 0
    /// Already completed in the ledger when the grid started.
    public var skipped = 0
    public var completed = 0
    public var failed = 0
    /// Completed or still running in another runner sharing the ledger: not executed here.
    public var otherRunner = 0
    /// Executed here but not recorded: the run was taken over meanwhile, or the ledger could not be written.
    public var notRecorded = 0
    /// Why the grid stopped before its end (the ledger could not be written), or nil.
    public var stopReason: String?

    /// Runs this runner executed to their end: `completed + failed + notRecorded`.
    public var executed: Int { completed + failed + notRecorded }
}

/// Runs a prepared grid: `--jobs` workers take runs in plan order. Results never depend on the
/// number of workers, nor on other runners sharing the ledger: every run is a pure function of
/// its configuration.
///
/// The life of one run (`process(_:)`):
/// 1. **claim** it in the ledger (see `Ledger`'s concurrency contract); a run completed or
///    running in another runner is left to it (retried once at the end of the grid, in case that
///    runner died), a dead runner's run is taken over and said so;
/// 2. refuse it if its memory estimate does not fit (`MemoryGuard`);
/// 3. fit it with its `FitContext`, built in one place, `makeContext(for:)` (cache, timeout,
///    stop flag, progress);
/// 4. write its artifacts durably (`ArtifactStore`), then 5. commit it `completed`, or `failed`
///    with its reason in words.
///
/// Stopping. On SIGINT/SIGTERM, a thread of its own (`SignalTrap`) marks this process's
/// `running` rows `interrupted` and exits (130/143) at once, waiting for no worker. If the ledger
/// cannot be written (disk full, I/O error) or an artifact cannot be (that run is recorded
/// `failed` with the reason in words), the grid stops: every later run would fail the same way.
/// No run starts, runs in flight stop at their next checkpoint and are released, and the
/// summary's `stopReason` says why.
public final class GridRunner: @unchecked Sendable {
    private let prepared: PreparedExperiment
    private let ledger: Ledger
    private let options: RunOptions
    private let owner = RunOwner.current
    private let memoryGuard: MemoryGuard
    private let progress = ProgressLine()
    /// One per feature set: what its runs share (e.g. an agglomerative tree for every `k`).
    private let caches: [String: FitCache]
    /// Held while a run is claimed, and while a signal hands this process's runs back: a claim
    /// either commits before that release (and is released with the rest) or sees the stop and
    /// is not made, so no run stays `running` after SIGINT or SIGTERM.
    private let claimGate = NSLock()
    /// Guards everything below.
    private let lock = NSLock()
    private var summary = GridSummary()
    private var pass: [PlannedRun] = []
    private var nextIndex = 0
    private var finalPass = false
    /// Runs found running in another runner during the first pass.
    private var deferred: [PlannedRun] = []
    private var refusedBeforeGrid: [String: String] = [:]
    private var stopping = false
    private var signalled = false
    private var heartbeatFailed = false

    public init(prepared: PreparedExperiment, ledger: Ledger, options: RunOptions) {
        self.prepared = prepared; self.ledger = ledger; self.options = options
        self.memoryGuard = MemoryGuard(memory: options.memory)
        self.caches = Dictionary(uniqueKeysWithValues: prepared.featureSets.map { ($0.definition.name, FitCache()) })
    }

    public func run() throws -> GridSummary {
        let e = prepared.experiment
        removeStaleTemporaries()
        let ids = try ledger.register(experiment: ExperimentRecord(name: e.name, specJSON: e.specText, createdAt: Timestamp.now()),
                                      runs: prepared.runs.map { record(for: $0) })
        // A run's id is the ledger's: longer than 12 digits when another key holds that prefix.
        let runs = prepared.runs.map { run -> PlannedRun in
            var run = run
            if ids[run.key] != run.id { Log.info("run \(ids[run.key]!): a different run already has id \(run.id), so this one's id is longer") }
            run.id = ids[run.key]!
            return run
        }
        try writeExperimentArtifacts()

        let statuses = try ledger.statuses(of: runs.map(\.id))
        let queue = runs.filter { options.force || statuses[$0.id] != .completed }
        summary.planned = runs.count
        summary.skipped = runs.count - queue.count
        if summary.skipped > 0 {
            Log.info("\(summary.skipped) of \(summary.planned) runs already completed in the ledger: skipped (use --force to run them again)")
        }
        guard !queue.isEmpty else { return summary }
        refuseWhatCannotFit(queue)

        let trap = SignalTrap { [self] signal in interrupt(signal: signal) }
        defer { trap.cancel() }
        let heartbeat = Heartbeat(interval: options.heartbeatInterval) { [self] in beat() }
        defer { heartbeat.stop() }
        progress.start(total: queue.count)
        runPass(queue)
        let again = lock.withLock { () -> [PlannedRun] in
            finalPass = true
            defer { deferred = [] }
            return stopping ? [] : deferred
        }
        if !again.isEmpty { runPass(again) }
        // Once a signal is being handled, its thread ends the process (130/143), even if the
        // workers, told to stop, are done first.
        if lock.withLock({ signalled }) { while true { sleep(60) } }
        progress.finish()
        if lock.withLock({ summary.stopReason }) != nil { releaseAfterStop() }
        return lock.withLock { summary }
    }

    // MARK: - One run

    private func runPass(_ runs: [PlannedRun]) {
        lock.withLock { pass = runs; nextIndex = 0 }
        let group = DispatchGroup()
        for _ in 0 ..< min(options.jobs, runs.count) {
            DispatchQueue.global().async(group: group) { [self] in
                while let run = take() {
                    process(run)
                    progress.runEnded(run.id)
                }
            }
        }
        group.wait()
    }

    private func take() -> PlannedRun? {
        lock.lock(); defer { lock.unlock() }
        guard !stopping, nextIndex < pass.count else { return nil }
        nextIndex += 1
        return pass[nextIndex - 1]
    }

    private func process(_ run: PlannedRun) {
        let started = Date()
        let claim: RunClaim
        do {
            guard let made = try claimUnlessStopping(run, now: started) else { return }
            claim = made
        } catch {
            return stop(because: error)
        }
        switch claim {
        case .claimed:
            break
        case .reclaimed(_, let reason):
            Log.info("run \(run.id): taken over from another runner: \(reason)")
        case .completed:
            return tally { $0.otherRunner += 1 }
        case .runningElsewhere(let other):
            let isFinal = lock.withLock { () -> Bool in
                if !finalPass { deferred.append(run) }
                return finalPass
            }
            if isFinal {
                Log.info("run \(run.id) is being run by another runner (\(other.map { "\($0)" } ?? "unknown process")); it will record it")
                tally { $0.otherRunner += 1 }
            }
            return
        }

        let set = prepared.featureSet(for: run)
        let refusedEarly = lock.withLock { refusedBeforeGrid[run.id] }
        let written: [ArtifactStore.Written]
        let outcome: RunOutcome
        let dir = ArtifactStore.runDirectory(results: options.resultsDirectory, experiment: prepared.experiment.name, runID: run.id)
        do {
            if let refusal = refusedEarly ?? memoryGuard.refusalNow(run, on: set) { throw RunRefused(reason: refusal) }
            outcome = try RunExecutor.execute(run, on: set, context: makeContext(for: run))
            written = try ArtifactStore.write(outcome.artifacts.files, into: dir)
        } catch FitStopped.interrupted {
            _ = try? ledger.release(by: owner, ids: [run.id])
            return
        } catch let error as ArtifactWriteError {
            // A full, read-only or failing disk: every later run would fail the same way.
            fail(run, started: started, reason: "\(error)", quiet: false)
            return stop(because: error)
        } catch {
            return fail(run, started: started, reason: reason(for: error), quiet: refusedEarly != nil)
        }
        do {
            try ledger.complete(outcome.completedRun(id: run.id, started: started, datasetSHA256: prepared.datasetSHA256,
                                                     resultsDir: dir, written: written), by: owner)
            tally { $0.completed += 1 }
            for note in outcome.notes { Log.info("run \(run.id): \(note)") }
        } catch {
            if case LedgerError.storage = error {
                // The ledger names none of these files; removing them also frees the space a full
                // disk needs to record the release.
                for file in written { unlink(file.path) }
            }
            if Self.isLedgerFailure(error) { return notRecorded(run, error) }
            // The ledger refused this outcome (e.g. a non-finite metric): a failure of the run.
            fail(run, started: started, reason: "\(error)", quiet: false)
        }
    }

    /// Records a run `failed`; a ledger that cannot record it stops the grid.
    private func fail(_ run: PlannedRun, started: Date, reason: String, quiet: Bool) {
        do {
            try ledger.fail(id: run.id, by: owner, error: reason, finishedAt: Timestamp.now(),
                            durationS: Date().timeIntervalSince(started))
            tally { $0.failed += 1 }
            if !quiet { Log.warning("run \(run.id) (\(run.algorithm.name) \(run.paramsJSON)) failed: \(reason)") }
        } catch {
            notRecorded(run, error)
        }
    }

    private func notRecorded(_ run: PlannedRun, _ error: Error) {
        tally { $0.notRecorded += 1 }
        if case LedgerError.claimLost = error {
            Log.warning("\(error)")
        } else {
            Log.warning("run \(run.id): its result could not be recorded: \(error)")
            stop(because: error)
        }
    }

    /// The one place a run's `FitContext` is built: its feature set's cache, `--run-timeout`, the
    /// stop flag (SIGINT/SIGTERM, or a ledger that cannot be written), and the progress line's
    /// view of the run in flight. Concurrent runs share the cores among their network kernels
    /// (`workers`: cores / jobs, at least 1): a deep fit's threads wait for each other at every
    /// mini-batch, so more threads than cores only makes them wait for descheduled peers.
    /// Results never depend on it.
    private func makeContext(for run: PlannedRun) -> FitContext {
        FitContext(cache: caches[run.featureSet.name]!, timeout: options.runTimeout, stopRequested: { [self] in isStopping },
                   progress: progress.runStarted(run),
                   workers: options.jobs > 1 ? max(1, ProcessInfo.processInfo.activeProcessorCount / options.jobs) : nil)
    }

    private func reason(for error: Error) -> String {
        if case FitStopped.timeout = error, let limit = options.runTimeout {
            return "timeout: stopped after --run-timeout \(String(format: "%g", limit)) s"
        }
        return "\(error)"
    }

    private func tally(_ change: (inout GridSummary) -> Void) {
        let s = lock.withLock { () -> GridSummary in
            change(&summary)
            return summary
        }
        progress.update(done: s.executed + s.otherRunner, failed: s.failed)
    }

    // MARK: - Memory

    /// Runs whose estimate exceeds the machine's physical memory are refused before the grid
    /// starts: each is recorded `failed` when its turn comes, and said once here.
    private func refuseWhatCannotFit(_ queue: [PlannedRun]) {
        var largest: (estimate: Int, reason: String)?
        for run in queue {
            let set = prepared.featureSet(for: run)
            guard let reason = memoryGuard.refusalBeforeGrid(run, on: set) else { continue }
            refusedBeforeGrid[run.id] = reason
            let estimate = MemoryGuard.estimate(run, on: set)
            if estimate > largest?.estimate ?? 0 { largest = (estimate, "run \(run.id): " + reason) }
        }
        if let largest {
            Log.warning("\(refusedBeforeGrid.count) of \(queue.count) runs need more memory than this machine has; "
                        + "they are recorded failed without running. The largest: \(largest.reason)")
        }
    }

    // MARK: - Stopping

    private var isStopping: Bool { lock.withLock { stopping } }

    /// Stops the grid because the ledger cannot be written: no run starts, runs in flight stop at their next checkpoint.
    private func stop(because error: Error) {
        lock.withLock {
            if summary.stopReason == nil {
                summary.stopReason = (error is ArtifactWriteError ? "an artifact could not be written: " : "") + "\(error)"
            }
            stopping = true
        }
    }

    /// After a stop, hands this process's `running` rows back (`interrupted`). The ledger may
    /// refuse again (a full disk): then a checkpoint, which may free the log's space, and one
    /// more try; if that fails too, the rows stay `running` with an owner that is about to be
    /// gone, which the next `run` (or `ledger check --repair`) requeues, and the warning says so.
    private func releaseAfterStop() {
        do {
            try ledger.release(by: owner)
        } catch {
            ledger.checkpoint()
            guard (try? ledger.release(by: owner)) == nil else { return }
            let held = ((try? ledger.runningRuns()) ?? []).filter { $0.owner == owner }.map(\.id)
            guard !held.isEmpty else { return }
            Log.warning("\(held.count) runs this process had started stay `running` in the ledger (\(held.joined(separator: ", "))), "
                        + "which cannot be written: \(error); the next `seglab run` (or `seglab ledger check --repair`) requeues them")
        }
    }

    /// The run's claim (see `claimGate`), or nil when the grid is stopping.
    private func claimUnlessStopping(_ run: PlannedRun, now: Date) throws -> RunClaim? {
        claimGate.lock(); defer { claimGate.unlock() }
        guard !isStopping else { return nil }
        return try ledger.claim(id: run.id, by: owner, force: options.force, staleAfter: options.staleAfter,
                                datasetSHA256: prepared.datasetSHA256, codeVersion: SeglabVersion.string, now: now)
    }

    private func interrupt(signal: Int32) {
        let s = lock.withLock { () -> GridSummary in
            stopping = true
            signalled = true
            return summary
        }
        let released = claimGate.withLock { (try? ledger.release(by: owner)) ?? 0 }
        ledger.checkpoint()
        progress.finish()
        Log.info("interrupted (\(signal == SIGINT ? "SIGINT" : "SIGTERM")): \(s.completed) runs completed, \(released) in flight "
                 + "marked interrupted; run the same command again to finish the rest")
        exit(128 + signal)
    }

    private func beat() {
        do {
            try ledger.heartbeat(by: owner)
        } catch {
            let first = lock.withLock { () -> Bool in
                defer { heartbeatFailed = true }
                return !heartbeatFailed
            }
            if first { Log.warning("heartbeat not recorded: \(error)") }
        }
    }

    /// Errors of the ledger itself (storage, a lost claim), as opposed to its refusing one outcome.
    static func isLedgerFailure(_ error: Error) -> Bool {
        switch error as? LedgerError {
        case .storage?, .cannotOpen?, .notALedger?, .claimLost?: return true
        default: return false
        }
    }

    // MARK: - Files

    /// Removes the temporary files a killed process left under `results/<experiment>/`.
    private func removeStaleTemporaries() {
        let dir = ArtifactStore.experimentDirectory(results: options.resultsDirectory, experiment: prepared.experiment.name)
        let stale = ArtifactStore.staleTemporaries(under: dir).filter { unlink($0) == 0 }
        if !stale.isEmpty { Log.info("removed \(stale.count) temporary files left by an interrupted run under \(dir)") }
    }

    func record(for run: PlannedRun) -> RunRecord {
        RunRecord(id: run.id, key: run.key, experiment: prepared.experiment.name, featureSet: run.featureSet.name,
                  algorithm: run.algorithm.name, paramsJSON: run.paramsJSON, seed: run.seed, replicate: run.replicate,
                  configJSON: RunRecipe(run: run, experiment: prepared.experiment).json)
    }

    /// `data_report.json` and `feature_sets.json` under `results/<experiment>/`.
    private func writeExperimentArtifacts() throws {
        let dir = ArtifactStore.experimentDirectory(results: options.resultsDirectory, experiment: prepared.experiment.name)
        let written = try ArtifactStore.write(ExperimentArtifacts.files(prepared), into: dir)
        try ledger.recordExperimentArtifacts(experiment: prepared.experiment.name, written.map(\.record))
    }
}

/// A run refused before it started (its memory estimate does not fit).
struct RunRefused: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}
