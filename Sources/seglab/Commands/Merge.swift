import ArgumentParser
import Foundation
import SeglabLedger
import SeglabRunner

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Merge ledgers (the shards of a grid) into one; idempotent; a run whose artifacts disagree refuses the merge (exit 1).")

    @Argument(help: "The ledgers to merge (read only), in order of preference among equally finished copies of a run.")
    var sources: [String]

    @Option(help: "The ledger to merge into (created if absent).")
    var into: String

    @Option(help: "copy: copy artifact files into <results>/<experiment>/<run-id>/; link: hard links (symbolic across file systems); none: keep the sources' paths.")
    var artifacts: ArtifactPlacement = .copy

    @Option(help: "Results folder for copied or linked artifacts (default: the folder of --into).")
    var results: String?

    func validate() throws {
        if sources.isEmpty { throw ValidationError("name at least one ledger to merge") }
        if results != nil && artifacts == .none { throw ValidationError("--results has no use with --artifacts none") }
    }

    func run() throws {
        let target = URL(fileURLWithPath: into).standardizedFileURL.path
        for source in sources where URL(fileURLWithPath: source).standardizedFileURL.path == target {
            throw UsageError("\(source) is also the target (--into): a ledger cannot be merged into itself")
        }
        let report = try LedgerMerge.run(sources: sources, into: into, results: results, artifacts: artifacts)
        var lines = ["merged \(counted(sources.count, "ledger")) into \(into)"]
        for source in report.sources {
            let merged = source.merged.values.reduce(0, +)
            let states = RunStatus.allCases.compactMap { s in source.merged[s].map { "\($0) \(s.rawValue)" } }
            var line = "  \(source.path): \(counted(merged, "run")) merged"
            if !states.isEmpty { line += " (\(states.joined(separator: ", "))\(source.replaced > 0 ? "; \(source.replaced) replacing a less finished row" : ""))" }
            for (reason, count) in source.skipped.sorted(by: { $0.key < $1.key }) { line += "; \(count) skipped: \(reason)" }
            if source.duplicates > 0 { line += "; \(source.duplicates) taken from another ledger" }
            lines.append(line)
        }
        lines.append("  experiments: " + (report.experiments.isEmpty ? "none"
            : report.experiments.map { "\($0.name) (\($0.action))" }.joined(separator: ", ")))
        lines.append("  artifact files: " + (artifacts == .none ? "left where the sources have them"
            : "\(report.filesPlaced) \(artifacts == .copy ? "copied" : "linked")"))
        writeStdout(lines.joined(separator: "\n") + "\n")
        if !report.unfinished.isEmpty {
            Log.warning("\(counted(report.unfinished.count, "merged run")) not completed (failed, interrupted or pending): "
                        + "`seglab run FILE --ledger \(into)` runs them, or rerun their shard and merge again")
        }
    }
}

extension ArtifactPlacement: ExpressibleByArgument {}
