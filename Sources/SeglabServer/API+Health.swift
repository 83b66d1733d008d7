import Hummingbird
import SeglabRunner

extension API {
    /// `GET /health`: 200 while the ledger answers a query, 503 when it does not. Asks for no
    /// token, so a load balancer can call it; it says nothing about the ledger's contents.
    static func health(_ request: Request, _ context: BasicRequestContext, _ state: ServerState) async throws -> Response {
        do {
            _ = try await state.blocking { try state.ledger.experimentSummaries() }
        } catch {
            return APIError(.serviceUnavailable, "the ledger cannot be read: \(error)").response
        }
        return JSONResponse.make(.object([("status", .string("ok")), ("version", .string(SeglabVersion.string))]))
    }

    /// `GET /openapi.json`: the document describing every endpoint.
    static func openAPI(_ request: Request, _ context: BasicRequestContext, _ state: ServerState) async throws -> Response {
        JSONResponse.bytes(Array(OpenAPIDocument.json.utf8), contentType: "application/json")
    }
}
