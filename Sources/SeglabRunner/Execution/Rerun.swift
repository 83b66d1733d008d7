import Foundation
import SeglabLedger

/// Recomputes a past run from what the ledger recorded (SPEC §3 `rerun`).
public enum Rerun {
    public struct Recomputed {
        public var details: RunDetails
        public var prepared: PreparedExperiment
        public var run: PlannedRun
        public var outcome: RunOutcome
    }

    /// How one artifact compares.
    public struct Check: Sendable, Equatable {
        public var name: String
        public var recomputedSHA256: String
        public var ledgerSHA256: String?
        public var fileSHA256: String?
        public var path: String?
        public var identical: Bool { ledgerSHA256 == recomputedSHA256 && fileSHA256 == recomputedSHA256 }
    }

    public static func recompute(runID: String, ledger: Ledger) throws -> Recomputed {
        guard let details = try ledger.run(id: runID) else { throw RecipeError("no run \(runID) in the ledger") }
        let (prepared, run) = try prepare(details)
        let outcome = try RunExecutor.execute(run, on: prepared.featureSet(for: run), context: .detached())
        return Recomputed(details: details, prepared: prepared, run: run, outcome: outcome)
    }

    /// The run's data and feature set rebuilt from its recipe, through the same parser and
    /// planner as any experiment (the report's matrices come from here too), and the run in
    /// that plan; an error when the data changed since the run.
    public static func prepare(_ details: RunDetails) throws -> (prepared: PreparedExperiment, run: PlannedRun) {
        let recipe = try RunRecipe(json: details.run.configJSON)
        let bytes = try recipe.experimentJSON(name: details.run.experiment)
        let experiment = try ExperimentParser.parse(bytes: bytes, file: "ledger run \(details.run.id)", directory: "/")
        let prepared = try ExperimentPlanner.prepare(experiment)
        guard var run = prepared.runs.first(where: { $0.key == details.run.key }) else {
            let recorded = details.run.datasetSHA256 ?? "unknown"
            throw RecipeError(prepared.datasetSHA256 != recorded
                ? "the input data changed since run \(details.run.id) (sha256 \(prepared.datasetSHA256), recorded \(recorded))"
                : "the ledger's configuration of run \(details.run.id) no longer yields its key \(details.run.key)")
        }
        run.id = details.run.id  // the ledger's id, which may be longer than 12 digits (see `Ledger`)
        return (prepared, run)
    }

    /// Compares recomputed bytes with the ledger's hashes and the files on disk.
    public static func verify(_ r: Recomputed) -> [Check] {
        r.outcome.artifacts.files.map { name, bytes in
            let recorded = r.details.artifact(named: name)
            let fileHash = recorded.flatMap { FileManager.default.contents(atPath: $0.path) }.map { RunIdentity.sha256Hex($0) }
            return Check(name: name, recomputedSHA256: RunIdentity.sha256Hex(bytes), ledgerSHA256: recorded?.sha256,
                         fileSHA256: fileHash, path: recorded?.path)
        }
    }
}
