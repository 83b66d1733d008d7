import Foundation
import Hummingbird
import SeglabLedger
import SeglabRunner

/// The handlers of `Endpoint.all`, one file per resource (`API+Runs.swift`, …). Each does
/// its ledger reads and file reads through `ServerState.blocking`.
enum API {
    /// A path parameter, percent-decoded (`/experiments/my%20study`).
    static func parameter(_ name: String, _ context: BasicRequestContext) throws -> String {
        let raw = try context.parameters.require(name)
        return raw.removingPercentEncoding ?? raw
    }

    /// The run whose id is `given` or starts with it: 404 when there is none, 400 when several share the prefix.
    static func run(_ given: String, in ledger: Ledger) throws -> RunDetails {
        let id = try LedgerLookup.runID(given, in: ledger)
        guard let details = try ledger.run(id: id) else { throw QueryError(.unknownRun, "no run with id \(given) in the ledger") }
        return details
    }
}
