import ArgumentParser
import Foundation
import SeglabLedger
import SeglabRunner

struct PredictCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict-check",
        abstract: "Measure how well a run fitted on an earlier period predicts the segments of later customers.",
        discussion: """
            EARLY is a completed run of a tables source fitted on events before a cut-off (events.until); \
            WHOLE a completed run on the whole period. The customers whose first event is on or after --since \
            (default: EARLY's until) are assigned with EARLY's model from their events of their first --days \
            days, and compared with their segments in WHOLE: accuracy after matching segments, and ARI.
            """)

    @Argument(help: "The run fitted on the earlier period (id or unique prefix).")
    var early: String

    @Argument(help: "The run on the whole period (id or unique prefix).")
    var whole: String

    @Option(help: "yyyy-mm-dd: customers whose first event is on or after it are the new ones (default: EARLY's events.until).")
    var since: String?

    @Option(help: "How many days of each new customer's events, from their first, the prediction sees.")
    var days: Int = 30

    @Option(help: "table or json.")
    var format: DocumentFormat = .table

    @OptionGroup var ledgerOption: LedgerOption

    func run() throws {
        guard days >= 1 else { throw UsageError("--days must be at least 1") }
        let ledger = try ledgerOption.openExisting()
        /// The completed run, its artifact `name` and that artifact's bytes, checked against the ledger.
        func completed(_ prefix: String, _ name: String) throws -> (RunDetails, ArtifactRecord, Data) {
            let id = try LedgerLookup.runID(prefix, in: ledger)
            guard let d = try ledger.run(id: id), d.run.status == .completed else { throw UsageError("run \(id) is not completed") }
            guard let artifact = d.artifact(named: name), let bytes = artifact.verifiedContents() else {
                throw UsageError("run \(id): its \(name) is missing or differs from the ledger's sha256 (seglab rerun \(id) restores it)")
            }
            return (d, artifact, bytes)
        }
        let (e, model, modelBytes) = try completed(early, "model.json"), (w, labels, _) = try completed(whole, "labels.csv")
        let recipe = try RunRecipe(json: e.run.configJSON)
        var start = since
        if start == nil, case .string(let until)? = recipe.config["data"]?["tables"]?["events"]?["until"] { start = until }
        guard let start else { throw UsageError("run \(e.run.id) has no events.until: give --since") }
        let r = try InterestCheck.check(model: [UInt8](modelBytes), modelFile: model.path,
                                        tablePaths: recipe.tablePaths ?? [:], since: start, days: days,
                                        wholeLabels: labels.path)
        switch format {
        case .json:
            writeStdout(JSONWriter.pretty(.object([
                ("early", .string(e.run.id)), ("whole", .string(w.run.id)), ("since", .string(start)), ("days", .int(days)),
                ("assigned", .int(r.assigned)), ("compared", .int(r.compared)),
                ("accuracy", .real(r.accuracy)), ("ari", .real(r.ari)),
            ])))
        case .table:
            writeStdout("""
                new customers (first event on or after \(start)), assigned by run \(e.run.id) from their first \(days) days: \(r.assigned)
                compared with run \(w.run.id): \(r.compared)
                accuracy after matching segments  \(String(format: "%.4f", r.accuracy))
                adjusted Rand index               \(String(format: "%.4f", r.ari))

                """)
        }
    }
}
