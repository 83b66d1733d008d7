import ArgumentParser
import Foundation
import SeglabLedger
import SeglabRunner

struct Rerun: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Recompute a past run from the ledger; --verify compares every artifact with the file on disk and the ledger's hash.")

    @Argument(help: "The run id (or a unique prefix of it).")
    var runID: String

    @OptionGroup var ledgerOption: LedgerOption

    @Flag(help: "Compare instead of writing; exit 1 if any artifact differs.")
    var verify = false

    func run() throws {
        // --verify only reads: the ledger is opened read-only.
        let ledger = verify ? try ledgerOption.openExisting() : try ledgerOption.openExistingForWriting()
        defer { ledger.checkpoint() }
        let id = try LedgerLookup.runID(runID, in: ledger)
        let r: SeglabRunner.Rerun.Recomputed
        do { r = try SeglabRunner.Rerun.recompute(runID: id, ledger: ledger) } catch let e as RecipeError {
            Log.error(e.description); throw ExitCode(1)
        }
        if verify {
            let checks = SeglabRunner.Rerun.verify(r)
            for c in checks {
                var line = "\(c.name): \(c.identical ? "identical" : "different")"
                if !c.identical {
                    var why: [String] = []
                    if c.ledgerSHA256 == nil { why.append("not in the ledger") } else if c.ledgerSHA256 != c.recomputedSHA256 { why.append("recomputed bytes differ from the ledger's sha256") }
                    if c.fileSHA256 == nil { why.append("file missing\(c.path.map { " at \($0)" } ?? "")") } else if c.fileSHA256 != c.recomputedSHA256 { why.append("file on disk differs\(c.path.map { " (\($0))" } ?? "")") }
                    line += " (\(why.joined(separator: "; ")))"
                }
                writeStdout(line + "\n")
            }
            let same = checks.allSatisfy(\.identical)
            Log.info("run \(id): \(same ? "all \(checks.count) artifacts identical" : "\(checks.filter { !$0.identical }.count) of \(checks.count) artifacts different")")
            if !same { throw ExitCode(1) }
        } else {
            let dir = r.details.run.resultsDir ?? ArtifactStore.runDirectory(results: "results", experiment: r.details.run.experiment, runID: id)
            let started = Date()
            let claim = try ledger.claim(id: id, by: .current, force: true, datasetSHA256: r.prepared.datasetSHA256,
                                         codeVersion: SeglabVersion.string, now: started)
            if case .runningElsewhere(let owner) = claim {
                Log.error("run \(id) is being run right now by \(owner.map { "\($0)" } ?? "another process"); rerun it when that is done")
                throw ExitCode(1)
            }
            do {
                let written = try ArtifactStore.write(r.outcome.artifacts.files, into: dir)
                try ledger.complete(r.outcome.completedRun(id: id, started: started, datasetSHA256: r.prepared.datasetSHA256,
                                                           resultsDir: dir, written: written), by: .current)
            } catch {
                try? ledger.fail(id: id, by: .current, error: "\(error)", finishedAt: Timestamp.now(),
                                 durationS: Date().timeIntervalSince(started))
                throw error
            }
            Log.info("run \(id) recomputed; artifacts in \(dir)")
        }
    }
}
