import Dispatch
import Foundation
import SeglabClustering
import SeglabLedger

/// Options of `seglab run`.
public struct RunOptions: Sendable {
    public var resultsDirectory: String
    public var jobs: Int
    public var force: Bool
    public init(resultsDirectory: String = "results", jobs: Int = ProcessInfo.processInfo.activeProcessorCount, force: Bool = false) {
        self.resultsDirectory = resultsDirectory; self.jobs = max(1, jobs); self.force = force
    }
}

/// How a grid ended.
public struct GridSummary: Sendable, Equatable {
    public var planned = 0
    public var skipped = 0
    public var completed = 0
    public var failed = 0
}

/// Runs a prepared grid: `--jobs` workers on Dispatch take runs in plan order; each finished
/// run is committed in its own transaction. Results never depend on the number of workers:
/// every run is a pure function of its configuration.
///
/// On SIGINT/SIGTERM the runs in flight are marked `interrupted` under the commit lock (so no
/// run is committed after it), and the process exits; the next `run` does the rest.
public final class GridRunner: @unchecked Sendable {
    private let prepared: PreparedExperiment
    private let ledger: Ledger
    private let options: RunOptions
    private let progress: ProgressLine
    /// Guards `inFlight`, `summary`, `nextIndex`, `stopping`, and every ledger commit.
    private let lock = NSLock()
    private var inFlight = Set<String>()
    private var summary = GridSummary()
    private var nextIndex = 0
    private var stopping = false
    private var queue: [PlannedRun] = []
    /// One per feature set: what its runs share (e.g. an agglomerative tree for every `k`).
    private let caches: [String: FitCache]

    public init(prepared: PreparedExperiment, ledger: Ledger, options: RunOptions) {
        self.prepared = prepared; self.ledger = ledger; self.options = options
        self.progress = ProgressLine()
        self.caches = Dictionary(uniqueKeysWithValues: prepared.featureSets.map { ($0.definition.name, FitCache()) })
    }

    public func run() throws -> GridSummary {
        let e = prepared.experiment
        let now = Timestamp.now()
        try ledger.register(experiment: ExperimentRecord(name: e.name, specJSON: e.specText, createdAt: now),
                            runs: prepared.runs.map { record(for: $0) })
        try writeExperimentArtifacts()

        let statuses = try ledger.statuses(of: prepared.runs.map(\.id))
        queue = prepared.runs.filter { options.force || statuses[$0.id] != .completed }
        summary.planned = prepared.runs.count
        summary.skipped = prepared.runs.count - queue.count
        if summary.skipped > 0 {
            Log.info("\(summary.skipped) of \(summary.planned) runs already completed in the ledger: skipped (use --force to run them again)")
        }
        guard !queue.isEmpty else { return summary }

        let trap = SignalTrap { [self] signal in interrupt(signal: signal) }
        defer { trap.cancel() }
        progress.start(total: queue.count)
        let group = DispatchGroup()
        for _ in 0 ..< min(options.jobs, queue.count) {
            DispatchQueue.global().async(group: group) { [self] in worker() }
        }
        group.wait()
        progress.finish()
        return summary
    }

    private func worker() {
        while let run = take() {
            let started = Date()
            do {
                var marked = false
                try commit { try ledger.markRunning(id: run.id, startedAt: Timestamp.string(started)); marked = true }
                guard marked else { return }
                let context = FitContext(cache: caches[run.featureSet.name]!, stopRequested: { [self] in isStopping })
                let outcome = try RunExecutor.execute(run, on: prepared.featureSet(for: run), context: context)
                let dir = ArtifactStore.runDirectory(results: options.resultsDirectory, experiment: prepared.experiment.name, runID: run.id)
                let written = try ArtifactStore.write(outcome.artifacts.files, into: dir)
                try commit {
                    try ledger.complete(outcome.completedRun(id: run.id, started: started, datasetSHA256: prepared.datasetSHA256,
                                                             resultsDir: dir, written: written))
                    summary.completed += 1
                }
                for note in outcome.notes { Log.info("run \(run.id): \(note)") }
            } catch {
                let reason = "\(error)"
                try? commit {
                    try ledger.fail(id: run.id, error: reason, finishedAt: Timestamp.now(), durationS: Date().timeIntervalSince(started))
                    summary.failed += 1
                }
                Log.warning("run \(run.id) (\(run.algorithm.name) \(run.paramsJSON)) failed: \(reason)")
            }
            lock.lock(); inFlight.remove(run.id); let s = summary; lock.unlock()
            progress.update(done: s.completed + s.failed, failed: s.failed)
        }
    }

    private var isStopping: Bool {
        lock.lock(); defer { lock.unlock() }
        return stopping
    }

    private func take() -> PlannedRun? {
        lock.lock(); defer { lock.unlock() }
        guard !stopping, nextIndex < queue.count else { return nil }
        let run = queue[nextIndex]
        nextIndex += 1
        inFlight.insert(run.id)
        return run
    }

    /// Commits under the lock, unless the grid is being interrupted.
    private func commit(_ body: () throws -> Void) throws {
        lock.lock(); defer { lock.unlock() }
        guard !stopping else { return }
        try body()
    }

    private func interrupt(signal: Int32) {
        lock.lock()
        stopping = true
        let ids = inFlight.sorted()
        _ = try? ledger.markInterrupted(ids: ids)
        let s = summary
        progress.finish()
        Log.info("interrupted (\(signal == SIGINT ? "SIGINT" : "SIGTERM")): \(s.completed) runs completed, \(ids.count) in flight marked interrupted; run the same command again to finish the rest")
        exit(128 + signal)
    }

    func record(for run: PlannedRun) -> RunRecord {
        RunRecord(id: run.id, key: run.key, experiment: prepared.experiment.name, featureSet: run.featureSet.name,
                  algorithm: run.algorithm.name, paramsJSON: run.paramsJSON, seed: run.seed, replicate: run.replicate,
                  configJSON: RunRecipe(run: run, experiment: prepared.experiment).json)
    }

    /// `data_report.json` and `feature_sets.json` under `results/<experiment>/`.
    private func writeExperimentArtifacts() throws {
        let dir = URL(fileURLWithPath: options.resultsDirectory).standardizedFileURL
            .appendingPathComponent(prepared.experiment.name).path
        let written = try ArtifactStore.write(ExperimentArtifacts.files(prepared), into: dir)
        try ledger.recordExperimentArtifacts(experiment: prepared.experiment.name, written.map(\.record))
    }
}
