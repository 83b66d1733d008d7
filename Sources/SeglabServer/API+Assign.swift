import Foundation
import Hummingbird
import NIOCore
import SeglabData
import SeglabLedger
import SeglabRunner

extension API {
    /// `POST /runs/{id}/assign`: new customers in the run's source format — a CSV body
    /// (`Content-Type: text/csv`) or a JSON array of objects keyed by the source's columns —
    /// through the run's pipeline and model, exactly as `seglab assign`. The answer is
    /// `seglab assign`'s output file byte for byte when the request accepts `text/csv`, JSON
    /// otherwise (`AssignAnswer`).
    static func assign(_ request: Request, _ context: BasicRequestContext, _ state: ServerState) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let given = try parameter("id", context)
        let limits = state.configuration
        let isCSV: Bool
        switch request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() {
        case "text/csv"?: isCSV = true
        case "application/json"?: isCSV = false
        case let other:
            throw APIError(.unsupportedMediaType, "send the customers as Content-Type: text/csv (the run's source format) "
                + "or application/json (an array of objects keyed by its columns)" + (other.map { "; got \($0)" } ?? ""))
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limits.maxBodyBytes {
            throw APIError.tooLarge("the request body has \(length) bytes", limit: limits.maxBodyBytes)
        }
        let body: [UInt8]
        do {
            body = Array(try await request.body.collect(upTo: limits.maxBodyBytes).readableBytesView)
        } catch is NIOTooManyBytesError {
            throw APIError.tooLarge("the request body has more than \(limits.maxBodyBytes) bytes", limit: limits.maxBodyBytes)
        }
        let answer = try await state.blocking { () -> AssignAnswer in
            let (id, entry) = try model(for: given, state)
            let input: Assignment.Input
            var restate: (DataError) -> Error = { $0 }
            if isCSV {
                // Lines, not records (a quoted value may span lines): never fewer than the records.
                let lines = body.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } + (body.last.map { $0 == 0x0A ? 0 : 1 } ?? 0)
                if lines - 1 > limits.maxRows {
                    throw APIError.tooLarge("the CSV body has \(lines - 1) lines after its header", limit: limits.maxRows)
                }
                input = .csv(body, name: "request body")
            } else {
                let value: JSONValue
                do { value = try JSONParser.parse(body) } catch { throw APIError(.badRequest, "request body: \(error)") }
                if case .array(let items) = value, items.count > limits.maxRows {
                    throw APIError.tooLarge("the JSON body has \(items.count) customers", limit: limits.maxRows)
                }
                let customers = try JSONCustomers(value, name: "request body")
                input = .csv(customers.csv, name: customers.name)
                restate = customers.restate
            }
            var result: Assignment.Result
            do { result = try Assignment.assign(entry.model, input: input) } catch let e as DataError { throw restate(e) }
            result.segmentNames = entry.segmentNames
            return AssignAnswer(runID: id, algorithm: entry.model.algorithm, result: result)
        }
        let acceptsCSV = request.headers[values: .accept].contains { $0.lowercased().contains("text/csv") }
        return acceptsCSV ? JSONResponse.bytes(answer.result.csv, contentType: "text/csv; charset=utf-8")
                          : JSONResponse.make(answer.json)
    }

    /// The run's fitted model, from the cache or read once from `model.json`, with the segment
    /// names of its `profile.csv`; both files are checked against the ledger's SHA-256, as
    /// `seglab assign` checks them.
    static func model(for given: String, _ state: ServerState) throws -> (String, ModelCache.Entry) {
        let details = try run(given, in: state.ledger)
        let id = details.run.id
        guard details.run.status == .completed, let artifact = details.artifact(named: "model.json") else {
            throw APIError(.conflict, "run \(id) is not completed: it has no model to assign with")
        }
        let profile = details.artifact(named: "profile.csv")
        let key = ModelCache.Key(runID: id, modelSHA256: artifact.sha256, profileSHA256: profile?.sha256)
        let entry = try state.models.entry(key) {
            let data: Data, names: [Int: String]
            do {
                data = try artifact.verifiedContents(ofRun: id, consequence: "the model was changed since the run")
                names = try details.verifiedSegmentNames()
            } catch let e as ChangedArtifact {
                throw APIError(.conflict, e.description)
            }
            let bytes = [UInt8](data)
            let model: Assignment.Model
            do { model = try Assignment.Model(json: bytes, file: artifact.path) } catch let e as DataError {
                throw APIError(.internalServerError, e.description)  // the run's own model: not the client's input
            }
            return ModelCache.Entry(model: model, segmentNames: names, bytes: bytes.count)
        }
        return (id, entry)
    }
}
