import Hummingbird
import SeglabData
import SeglabRunner

/// An error answer: its status and a JSON body `{"error": {"status": 404, "message": "…", …}}`
/// whose message says what was wrong, as the command line would, plus where (`row` and
/// `column` of a CSV body, `index` and `field` of a JSON one, `limit` of a 413).
struct APIError: Error, Sendable {
    var status: HTTPResponse.Status
    var message: String
    /// More members of the `error` object.
    var details: [(key: String, value: JSONValue)] = []
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ message: String, details: [(key: String, value: JSONValue)] = [], headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.details = details
        self.headers = headers
    }

    var response: Response {
        let body = JSONValue.object([("error", .object([("status", .int(status.code)), ("message", .string(message))] + details))])
        var r = JSONResponse.make(body, status: status)
        r.headers.append(contentsOf: headers)
        return r
    }

    /// A query the ledger cannot answer: an unknown run is 404, the rest 400.
    init(_ e: QueryError) {
        self.init(e.kind == .unknownRun ? .notFound : .badRequest, e.description)
    }

    /// Bad customer rows, named as `seglab assign` names them (row and column of the body).
    init(_ e: DataError) {
        var details: [(key: String, value: JSONValue)] = []
        if let row = e.row { details.append(("row", .int(row))) }
        if let column = e.column { details.append(("column", .string(column))) }
        self.init(.badRequest, e.description, details: details)
    }

    /// Bad elements of a JSON body, named by index and field.
    init(_ e: JSONCustomers.Problem) {
        var details: [(key: String, value: JSONValue)] = []
        if let index = e.index { details.append(("index", .int(index))) }
        if let field = e.field { details.append(("field", .string(field))) }
        self.init(.badRequest, e.description, details: details)
    }

    /// A body or row count over its limit (413).
    static func tooLarge(_ what: String, limit: Int) -> APIError {
        APIError(.contentTooLarge, "\(what) (the limit is \(limit)); split the customers over several requests",
                 details: [("limit", .int(limit))])
    }
}
