import Foundation
import SeglabLedger

/// What `merge` does with the artifact files of the runs it merges.
public enum ArtifactPlacement: String, Sendable, CaseIterable {
    /// Copied (durably, as a run writes them) into `<results>/<experiment>/<run-id>/`.
    case copy
    /// Hard-linked there (no bytes copied), or symbolically linked where a hard link is not
    /// possible (another file system): the shard's files must then stay where they are.
    case link
    /// Left where the shards wrote them: the target names the shards' paths.
    case none
}

/// What a merge did, per source ledger.
public struct MergeReport: Sendable {
    public struct Source: Sendable {
        public var path: String
        /// Runs taken from this source, by the status they have in the target.
        public var merged: [RunStatus: Int] = [:]
        /// Of those, runs that replaced a less finished row of the target.
        public var replaced = 0
        /// Runs left as the target has them, by reason.
        public var skipped: [String: Int] = [:]
        /// Runs another source's copy was taken for (a better status, or an earlier source).
        public var duplicates = 0
    }

    public var target: String
    public var sources: [Source]
    /// Experiments and what was done: `new`, `file changed`, `unchanged`.
    public var experiments: [(name: String, action: String)]
    /// Artifact files copied or linked into the target's results folder.
    public var filesPlaced = 0
    /// Runs of the target after the merge that are not completed (failed, interrupted, pending).
    public var unfinished: [String] = []
}

/// `seglab merge LEDGER... --into LEDGER`: brings shard ledgers (or any ledgers) into one.
///
/// Nothing is written until everything is checked: the sources are read (read-only), the plan
/// made against the target (`MergePlan`), and every artifact file to copy or link is found and
/// its bytes checked against the ledger's SHA-256. A conflict or a missing or altered file
/// refuses the whole merge (`LedgerError.mergeRefused`) and leaves the target as it was (not
/// even created). Then the files are placed, and the ledger rows written in one transaction,
/// which re-checks the plan against the target as it is then. Merging the same ledger again
/// changes nothing: the target is then only read.
public enum LedgerMerge {
    public static func run(sources paths: [String], into target: String, results: String?,
                           artifacts placement: ArtifactPlacement) throws -> MergeReport {
        let sources = try paths.map { try Ledger(readOnlyPath: $0).snapshot() }
        let current = FileManager.default.fileExists(atPath: target)
            ? try Ledger(readOnlyPath: target).mergeTarget(for: sources) : MergeTarget.empty
        var plan = MergePlan(sources: sources, target: current)
        if !plan.conflicts.isEmpty { throw LedgerError.mergeRefused(plan.conflicts) }
        if plan.changesNothing, FileManager.default.fileExists(atPath: target) {
            let ledger = try Ledger(readOnlyPath: target)
            return try report(plan, sources, ledger: ledger, ids: try ledger.ids(forKeys: plan.runs.map(\.key)), placed: 0)
        }
        let files = placement == .none ? [:] : try locateFiles(plan, sources)

        let ledger = try Ledger(path: target)
        defer { ledger.checkpoint() }
        let ids = try ledger.ids(forKeys: plan.runs.map(\.key))
        var placed = 0
        if placement != .none {
            let root = results ?? (target as NSString).deletingLastPathComponent
            placed = try place(&plan, files: files, ids: ids, root: root.isEmpty ? "." : root, placement: placement)
        }
        try ledger.merge(plan, from: sources, ids: ids)
        return try report(plan, sources, ledger: ledger, ids: ids, placed: placed)
    }

    /// Each file to place, by its key in the plan (`run <key> <name>` or `experiment <name> <name>`):
    /// the recorded path, or, where the shard's folder was moved, the same place under the
    /// source ledger's folder (`<folder>/<experiment>/<run-id>/<name>`, the default layout).
    private static func locateFiles(_ plan: MergePlan, _ sources: [LedgerSnapshot]) throws -> [String: String] {
        var found: [String: String] = [:]
        var problems: [String] = []
        func locate(_ artifact: ArtifactRecord, key: String, source: LedgerSnapshot, depth: Int, owner: String) {
            let folder = (source.path as NSString).deletingLastPathComponent
            let tail = URL(fileURLWithPath: artifact.path).pathComponents.suffix(depth)
            let moved = ([folder.isEmpty ? "." : folder] + tail).joined(separator: "/")
            guard let path = [artifact.path, moved].first(where: { FileManager.default.fileExists(atPath: $0) }) else {
                problems.append("\(owner): \(artifact.name) is missing (\(artifact.path), nor \(moved)); merge with --artifacts none to keep the ledger's paths")
                return
            }
            guard let bytes = FileManager.default.contents(atPath: path), RunIdentity.sha256Hex(bytes) == artifact.sha256 else {
                problems.append("\(owner): \(path) differs from the SHA-256 \(source.path) records for it")
                return
            }
            found[key] = path
        }
        for run in plan.runs where run.decision.writes && run.copy.record.status == .completed {
            for artifact in run.copy.artifacts {
                locate(artifact, key: "run \(run.key) \(artifact.name)", source: sources[run.source], depth: 3,
                       owner: "run \(run.copy.record.id) in \(sources[run.source].path)")
            }
        }
        for experiment in plan.experiments {
            for artifact in experiment.artifacts {
                let source = sources[experiment.artifactSources[artifact.name]!]
                locate(artifact, key: "experiment \(experiment.name) \(artifact.name)", source: source, depth: 2,
                       owner: "experiment \(experiment.name) in \(source.path)")
            }
        }
        if !problems.isEmpty { throw LedgerError.mergeRefused(problems) }
        return found
    }

    /// Copies or links the files into `<root>/<experiment>/<run-id>/` (and `<root>/<experiment>/`)
    /// and points the plan's paths at them; returns how many were placed.
    private static func place(_ plan: inout MergePlan, files: [String: String], ids: [String: String], root: String,
                              placement: ArtifactPlacement) throws -> Int {
        var placed = 0
        func put(_ named: [(name: String, source: String, sha256: String)], into folder: String) throws -> [String] {
            placed += named.count
            if placement == .link { return try ArtifactStore.link(named.map { ($0.name, $0.source) }, into: folder) }
            let contents = try named.map { file -> (name: String, bytes: [UInt8]) in
                // Read again: checked before the ledger was opened, the file must still be those bytes.
                guard let data = FileManager.default.contents(atPath: file.source), RunIdentity.sha256Hex(data) == file.sha256 else {
                    throw LedgerError.mergeRefused(["\(file.source) changed while merging"])
                }
                return (file.name, [UInt8](data))
            }
            return try ArtifactStore.write(contents, into: folder).map(\.path)
        }
        for i in plan.runs.indices where plan.runs[i].decision.writes {
            let run = plan.runs[i]
            guard run.copy.record.status == .completed else {
                plan.runs[i].copy.record.resultsDir = nil  // no file of it was placed
                continue
            }
            let folder = ArtifactStore.runDirectory(results: root, experiment: run.copy.record.experiment, runID: ids[run.key]!)
            let paths = try put(run.copy.artifacts.map { ($0.name, files["run \(run.key) \($0.name)"]!, $0.sha256) }, into: folder)
            for j in paths.indices { plan.runs[i].copy.artifacts[j].path = paths[j] }
            plan.runs[i].copy.record.resultsDir = folder
        }
        for i in plan.experiments.indices {
            let experiment = plan.experiments[i]
            let folder = ArtifactStore.experimentDirectory(results: root, experiment: experiment.name)
            let paths = try put(experiment.artifacts.map { ($0.name, files["experiment \(experiment.name) \($0.name)"]!, $0.sha256) },
                                into: folder)
            for j in paths.indices { plan.experiments[i].artifacts[j].path = paths[j] }
        }
        return placed
    }

    private static func report(_ plan: MergePlan, _ sources: [LedgerSnapshot], ledger: Ledger, ids: [String: String],
                               placed: Int) throws -> MergeReport {
        var tallies = sources.map { MergeReport.Source(path: $0.path) }
        for run in plan.runs {
            for other in run.others { tallies[other].duplicates += 1 }
            switch run.decision {
            case .skip(let reason):
                tallies[run.source].skipped[reason, default: 0] += 1
            case .replace:
                tallies[run.source].replaced += 1
                tallies[run.source].merged[run.copy.record.status, default: 0] += 1
            case .insert:
                tallies[run.source].merged[run.copy.record.status, default: 0] += 1
            }
        }
        let statuses = try ledger.statuses(of: plan.runs.map { ids[$0.key]! })
        let actions: [MergePlan.ExperimentAction: String] = [.insert: "new", .replaceSpec: "file changed", .keep: "unchanged"]
        return MergeReport(target: ledger.path, sources: tallies,
                           experiments: plan.experiments.map { ($0.name, actions[$0.action]!) }, filesPlaced: placed,
                           unfinished: statuses.filter { $0.value != .completed }.map(\.key).sorted())
    }
}
