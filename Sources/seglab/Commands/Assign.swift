import ArgumentParser
import Foundation
import SeglabLedger
import SeglabRunner

struct Assign: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Assign new customers to the segments of a finished run, through the same pipeline.")

    @Argument(help: "The run id (or a unique prefix of it).")
    var runID: String

    @Option(help: "New customers, in the run's source format (customers CSV or order export; for a tables run, their events).")
    var input: String

    @Option(help: "Tables runs: the new customers' rows of the customer table (default: the run's own customer table).")
    var customers: String?

    @Option(help: "Where to write customer_id,cluster,segment_name (and distance or probability where the model has one).")
    var out: String

    @OptionGroup var ledgerOption: LedgerOption

    func run() throws {
        let ledger = try ledgerOption.openExisting()
        let id = try LedgerLookup.runID(runID, in: ledger)
        guard let details = try ledger.run(id: id), details.run.status == .completed,
              let artifact = details.artifact(named: "model.json") else {
            throw UsageError("run \(id) is not completed: it has no model to assign with")
        }
        let bytes: Data, names: [Int: String]
        do {
            bytes = try artifact.verifiedContents(ofRun: id, consequence: "the model was changed since the run")
            names = try details.verifiedSegmentNames()
        } catch let e as ChangedArtifact {
            Log.error(e.description)
            throw ExitCode(1)
        }
        let recipe = try? RunRecipe(json: details.run.configJSON)
        var result = try Assignment.assign(try Assignment.Model(json: [UInt8](bytes), file: artifact.path), input: .file(input),
                                           tables: .init(paths: recipe?.tablePaths ?? [:], customers: customers))
        result.segmentNames = names
        guard FileManager.default.createFile(atPath: out, contents: Data(result.csv)) else { throw UsageError("cannot write \(out)") }
        let counts = Dictionary(grouping: result.labels, by: { $0 }).mapValues(\.count).sorted { $0.key < $1.key }
        Log.info("assigned \(result.ids.count) customers with run \(id): " + counts.map { "cluster \($0.key): \($0.value)" }.joined(separator: ", "))
    }
}
