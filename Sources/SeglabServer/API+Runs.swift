import Foundation
import Hummingbird
import SeglabLedger
import SeglabRunner

extension API {
    /// `GET /runs?experiment=&algorithm=&status=`: a page of runs in the order they started, as
    /// `seglab runs --format json` lists them; a name the ledger does not hold is a 400 that
    /// lists the names it does hold.
    static func runs(_ request: Request, _ context: BasicRequestContext, _ state: ServerState) async throws -> Response {
        let query = try QueryParameters(request, allowed: ["experiment", "algorithm", "status"] + Page.parameters)
        let page = try Page(query)
        let status = try query["status"].map { text in
            guard let s = RunStatus(rawValue: text) else {
                throw APIError(.badRequest, "query parameter 'status' must be one of: \(RunStatus.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(text)')")
            }
            return s
        }
        let (experiment, algorithm) = (query["experiment"], query["algorithm"])
        let runs = try await state.blocking {
            let names = try state.ledger.recordedNames()
            try LedgerLookup.requireKnown(experiment, among: names.experiments, kind: "experiment", ledger: state.ledgerName)
            try LedgerLookup.requireKnown(algorithm, among: names.algorithms, kind: "algorithm", ledger: state.ledgerName)
            return try state.ledger.runs(RunQuery(experiment: experiment, status: status, algorithm: algorithm))
        }
        return JSONResponse.make(page.json(runs) { $0.json })
    }

    /// `GET /runs/{id}`: what `seglab show ID --format json` prints (a unique id prefix works too).
    static func run(_ request: Request, _ context: BasicRequestContext, _ state: ServerState) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let given = try parameter("id", context)
        let document = try await state.blocking { try RunDocument(try run(given, in: state.ledger), ledger: state.ledger).json }
        return JSONResponse.make(document)
    }

    /// `GET /runs/{id}/report`: the HTML report that covers the run, from the first of
    /// `reportCandidates` that exists; 404 naming the places looked at when there is none.
    static func report(_ request: Request, _ context: BasicRequestContext, _ state: ServerState) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let given = try parameter("id", context)
        let (id, found, candidates) = try await state.blocking { () -> (String, [UInt8]?, [String]) in
            let details = try run(given, in: state.ledger)
            let candidates = reportCandidates(details)
            let found = candidates.lazy.compactMap { FileManager.default.contents(atPath: $0) }.first
            return (details.run.id, found.map { [UInt8]($0) }, candidates)
        }
        guard let found else {
            throw APIError(.notFound, "no report for run \(id)"
                + (candidates.isEmpty ? " (the run has no results folder yet)" : "; looked for \(candidates.joined(separator: ", "))"))
        }
        return JSONResponse.bytes(found, contentType: "text/html; charset=utf-8")
    }

    /// Where a run's report is, in order: the run's own (`<results>/<experiment>/<run-id>/report/index.html`),
    /// then that of each experiment listing the run (`<results>/<experiment>/report/index.html`).
    /// `<results>` is the folder the run's artifacts were written under (two levels above its
    /// `results_dir`).
    static func reportCandidates(_ details: RunDetails) -> [String] {
        guard let dir = details.run.resultsDir else { return [] }
        let runDir = URL(fileURLWithPath: dir)
        let results = runDir.deletingLastPathComponent().deletingLastPathComponent()
        return ([runDir] + details.experiments.map { results.appendingPathComponent($0) })
            .map { $0.appendingPathComponent("report").appendingPathComponent("index.html").path }
    }
}
