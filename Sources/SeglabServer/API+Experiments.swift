import Hummingbird
import SeglabLedger
import SeglabRunner

extension API {
    /// `GET /experiments`: a page of experiments as `seglab experiments --format json` lists them.
    static func experiments(_ request: Request, _ context: BasicRequestContext, _ state: ServerState) async throws -> Response {
        let page = try Page(try QueryParameters(request, allowed: Page.parameters))
        let summaries = try await state.blocking { try state.ledger.experimentSummaries() }
        return JSONResponse.make(page.json(summaries) { $0.json })
    }

    /// `GET /experiments/{name}`: its runs counted by status, the experiment file as recorded
    /// (`spec`), and its experiment-level artifacts.
    static func experiment(_ request: Request, _ context: BasicRequestContext, _ state: ServerState) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let name = try parameter("name", context)
        let found = try await state.blocking { () -> (ExperimentDetails, ExperimentSummary)? in
            guard let details = try state.ledger.experiment(named: name),
                  let summary = try state.ledger.experimentSummaries().first(where: { $0.name == name }) else { return nil }
            return (details, summary)
        }
        guard let (details, summary) = found else {
            // The command line's message: it lists the experiments there are, and a near miss.
            let names = try await state.blocking { try state.ledger.recordedNames().experiments }
            throw APIError(.notFound, LedgerLookup.unknownName(name, among: names, kind: "experiment", ledger: state.ledgerName))
        }
        guard case .object(let members) = summary.json else { preconditionFailure("an experiment summary is an object") }
        let spec = (try? JSONParser.parse(Array(details.experiment.specJSON.utf8))) ?? .string(details.experiment.specJSON)
        return JSONResponse.make(.object(members + [
            ("spec", spec),
            ("artifacts", .array(details.artifacts.map(\.json))),
        ]))
    }
}
