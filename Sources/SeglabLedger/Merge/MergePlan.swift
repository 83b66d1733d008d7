/// What `merge` does with each run and experiment of its source ledgers: a pure function of the
/// sources and of what the target holds, decided before anything is written.
///
/// Runs are matched by key, never by id (the target's id rule decides the id of a key it does
/// not hold yet). Of the copies of one key, the best status wins, `completed` over `failed`
/// over `interrupted` over `pending` (a source's `running` row, a shard killed or still at
/// work, counts as `interrupted`); among equals, the first source given. The winner replaces
/// the target's row only if it is better than it: a completed run in the target is never
/// replaced, nor a row a live process runs there. Every completed copy of a key, in the sources
/// and in the target, must name the same artifact bytes: otherwise the merge is refused
/// (`conflicts`), as it is when the sources disagree on an experiment's file or artifacts.
public struct MergePlan: Sendable {
    public enum Decision: Sendable, Equatable {
        /// The key is new to the target.
        case insert
        /// The target's row (not completed) is replaced by the better copy.
        case replace(targetID: String)
        /// The target keeps its row; why.
        case skip(String)

        /// Whether the run is written to the target (inserted or replaced).
        public var writes: Bool {
            if case .skip = self { return false }
            return true
        }
    }

    public struct Run: Sendable {
        public var key: String
        /// Index of the source whose copy wins.
        public var source: Int
        public var decision: Decision
        /// The winning copy (`running` turned `interrupted`); the runner layer rewrites its paths
        /// when it copies the files.
        public var copy: RunSnapshot
        /// The other sources that hold the key: their copies lose to this one.
        public var others: [Int]
    }

    public enum ExperimentAction: Sendable, Equatable {
        /// New to the target.
        case insert
        /// The sources ran another version of the experiment file than the target's.
        case replaceSpec
        /// The target has this very file.
        case keep
    }

    public struct Experiment: Sendable {
        public var name: String
        public var specJSON: String
        /// The earliest of the sources'.
        public var createdAt: String
        public var action: ExperimentAction
        /// Keys of the runs the sources list under it, sorted. They are added to the target's
        /// list, or replace it when the experiment is new or its file changed (as `run` does).
        public var runKeys: [String]
        /// Whether the target does not list all of them yet.
        public var addsLinks: Bool
        /// Artifacts the target lacks or holds with other bytes (the runner layer rewrites
        /// their paths when it copies the files).
        public var artifacts: [ArtifactRecord]
        /// The source each artifact was read from, by name.
        public var artifactSources: [String: Int]
    }

    /// Every key of the sources, sorted.
    public var runs: [Run]
    /// Every experiment of the sources, sorted by name.
    public var experiments: [Experiment]
    /// Why the merge is refused; empty when it may go ahead.
    public var conflicts: [String]

    public init(sources: [LedgerSnapshot], target: MergeTarget) {
        runs = []
        experiments = []
        conflicts = []
        planRuns(sources, target)
        planExperiments(sources, target)
    }

    /// Whether the target already holds everything: no run to write, no experiment, link or
    /// artifact to add. The target is then not even opened for writing (opening an SQLite file
    /// for writing in WAL mode changes its bytes).
    public var changesNothing: Bool {
        !runs.contains { $0.decision.writes } && experiments.allSatisfy { $0.action == .keep && $0.artifacts.isEmpty && !$0.addsLinks }
    }

    /// Decisions only (no copies): what the transaction checks it would still decide.
    var decisions: [String] { runs.map { "\($0.key) \($0.source) \($0.decision)" } }

    private static func rank(_ status: RunStatus) -> Int {
        switch status {
        case .completed: return 3
        case .failed: return 2
        case .interrupted, .running: return 1
        case .pending: return 0
        }
    }

    private mutating func planRuns(_ sources: [LedgerSnapshot], _ target: MergeTarget) {
        var copies: [String: [(source: Int, run: RunSnapshot)]] = [:]
        for (s, snapshot) in sources.enumerated() {
            for run in snapshot.runs { copies[run.record.key, default: []].append((s, run)) }
        }
        for key in copies.keys.sorted() {
            let held = copies[key]!
            // The first of the best (max(by:) would keep the last of equals).
            var best = held[0]
            for candidate in held.dropFirst() where Self.rank(candidate.run.record.status) > Self.rank(best.run.record.status) {
                best = candidate
            }
            var copy = best.run
            if copy.record.status == .running { copy.record.status = .interrupted }
            let existing = target.runs[key]
            let name = "run \(existing?.id ?? best.run.record.id) (key \(key.prefix(16))…)"
            var completed = held.filter { $0.run.record.status == .completed }
                .map { (place: sources[$0.source].path, hashes: $0.run.artifactHashes) }
            if let existing, existing.status == .completed {
                completed.insert((place: "the target", hashes: existing.artifactHashes), at: 0)
            }
            if let disagreement = Self.disagreement(completed) {
                conflicts.append("\(name): its artifacts differ, so these ledgers did not compute the same run: \(disagreement)")
            }

            let decision: Decision
            switch existing {
            case nil:
                decision = .insert
            case let existing? where existing.status == .completed:
                decision = .skip("already completed in the target")
            case let existing? where existing.liveOwner != nil:
                decision = .skip("running in the target (\(existing.liveOwner!)), left to it")
            case let existing? where Self.rank(copy.record.status) > Self.rank(existing.status):
                decision = .replace(targetID: existing.id)
            case let existing?:
                decision = .skip("the target's \(existing.status.rawValue) row is as far along")
            }
            runs.append(Run(key: key, source: best.source, decision: decision, copy: copy,
                            others: held.map(\.source).filter { $0 != best.source }))
        }
    }

    /// "labels.csv: 5f3a… in a.sqlite, 9c1d… in b.sqlite; …", or nil when every copy names the same bytes.
    private static func disagreement(_ copies: [(place: String, hashes: [String: String])]) -> String? {
        guard let first = copies.first, copies.contains(where: { $0.hashes != first.hashes }) else { return nil }
        let names = Set(copies.flatMap(\.hashes.keys)).sorted()
        return names.compactMap { name -> String? in
            let values = copies.map { $0.hashes[name] }
            guard Set(values).count > 1 else { return nil }
            let each = zip(copies, values).map { copy, hash in "\(hash.map { String($0.prefix(12)) + "…" } ?? "absent") in \(copy.place)" }
            return "\(name): " + each.joined(separator: ", ")
        }.joined(separator: "; ")
    }

    private mutating func planExperiments(_ sources: [LedgerSnapshot], _ target: MergeTarget) {
        var held: [String: [(source: Int, details: ExperimentDetails)]] = [:]
        for (s, snapshot) in sources.enumerated() {
            for details in snapshot.experiments { held[details.experiment.name, default: []].append((s, details)) }
        }
        let keysByID = sources.map { snapshot in Dictionary(uniqueKeysWithValues: snapshot.runs.map { ($0.record.id, $0.record.key) }) }
        for name in held.keys.sorted() {
            let copies = held[name]!
            let first = copies[0]
            if let other = copies.first(where: { $0.details.experiment.specJSON != first.details.experiment.specJSON }) {
                conflicts.append("experiment \(name): \(sources[first.source].path) and \(sources[other.source].path) "
                                 + "ran different versions of its file (spec_json differs)")
            }
            var artifacts: [String: (record: ArtifactRecord, source: Int)] = [:]
            for (s, details) in copies {
                for artifact in details.artifacts {
                    guard let seen = artifacts[artifact.name] else {
                        artifacts[artifact.name] = (artifact, s)
                        continue
                    }
                    if seen.record.sha256 != artifact.sha256 {
                        conflicts.append("experiment \(name): its artifact \(artifact.name) differs: \(seen.record.sha256.prefix(12))… in "
                                         + "\(sources[seen.source].path), \(artifact.sha256.prefix(12))… in \(sources[s].path)")
                    }
                }
            }
            let runKeys = Set(copies.flatMap { copy in copy.details.runIDs.compactMap { keysByID[copy.source][$0] } }).sorted()
            let existing = target.experiments[name]
            let addsLinks = !Set(runKeys).isSubset(of: existing?.listedKeys ?? [])
            let action: ExperimentAction = existing == nil ? .insert
                : existing!.specJSON == first.details.experiment.specJSON ? .keep : .replaceSpec
            experiments.append(Experiment(
                name: name, specJSON: first.details.experiment.specJSON,
                createdAt: copies.map(\.details.experiment.createdAt).min()!, action: action, runKeys: runKeys, addsLinks: addsLinks,
                artifacts: artifacts.values.map(\.record).filter { existing?.artifactHashes[$0.name] != $0.sha256 }
                    .sorted { $0.name < $1.name },
                artifactSources: Dictionary(uniqueKeysWithValues: artifacts.map { ($0.key, $0.value.source) })))
        }
    }
}

/// What the target ledger holds for the keys and experiments of a merge.
public struct MergeTarget: Sendable {
    public struct Run: Sendable {
        public var id: String
        public var status: RunStatus
        public var artifactHashes: [String: String]
        /// The owner of a `running` row while it is alive (not gone, not silent).
        public var liveOwner: RunOwner?
    }

    public struct Experiment: Sendable {
        public var specJSON: String
        public var artifactHashes: [String: String]
        /// Keys of the runs it lists.
        public var listedKeys: Set<String>
    }

    /// By key.
    public var runs: [String: Run]
    /// By name.
    public var experiments: [String: Experiment]

    /// A target that does not exist yet.
    public static let empty = MergeTarget(runs: [:], experiments: [:])
}
